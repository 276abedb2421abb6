using System.Diagnostics.Metrics;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Messages the NATS client received and threw away because a subscription's buffer was full. Apart from
/// <see cref="MessagingMetrics"/>, which reads the connections: the connections count into this.
/// </summary>
public sealed class ClientDropMetrics
{
    private readonly Counter<long> _dropped;

    public ClientDropMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _dropped = meter.CreateCounter<long>(
            "orderhost.client.dropped_messages",
            description: "Messages the NATS client dropped because a subscription's buffer was full, by connection and subject (its first two tokens).");
    }

    public void Dropped(string connection, string subject)
        => _dropped.Add(1, new KeyValuePair<string, object?>("connection", connection), new KeyValuePair<string, object?>("subject", SubjectKind(subject)));

    /// <summary><c>shipments.packed.{id}</c> → <c>shipments.packed</c>: one series per step, not per entity.</summary>
    internal static string SubjectKind(string subject)
    {
        var first = subject.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : subject.IndexOf('.', first + 1);
        return second < 0 ? subject : subject[..second];
    }
}
