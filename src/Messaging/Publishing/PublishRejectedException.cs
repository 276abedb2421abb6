namespace OrderHost.Messaging.Publishing;

/// <summary>The stream answered the publish with an error; nothing was stored.</summary>
public sealed class PublishRejectedException(string subject, int code, int errorCode, string? description)
    : Exception($"JetStream rejected the publish to '{subject}': {code}/{errorCode} {description}")
{
    public int Code { get; } = code;

    public int ErrorCode { get; } = errorCode;
}
