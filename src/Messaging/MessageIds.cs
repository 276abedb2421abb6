namespace OrderHost.Messaging;

/// <summary>
/// Deterministic <c>Nats-Msg-Id</c> values: the same aggregate and step always give the same id, so a
/// retried or redelivered publish is dropped by the stream's duplicate window.
/// </summary>
public static class MessageIds
{
    public static string For(Guid aggregateId, string step) => string.Create(null, stackalloc char[64], $"{aggregateId:D}:{step}");
}
