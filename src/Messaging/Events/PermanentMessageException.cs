namespace OrderHost.Messaging.Events;

/// <summary>
/// Thrown by a handler (or the kernel) when a message can never succeed: it is terminated and
/// dead-lettered at once instead of being retried.
/// </summary>
public class PermanentMessageException(string reason, string reasonCode = DeadLetterReasons.Rejected, Exception? inner = null)
    : Exception(reason, inner)
{
    /// <summary>Human-readable cause, kept with the dead letter.</summary>
    public string Reason { get; } = reason;

    /// <summary>Low-cardinality cause, used as a metric label.</summary>
    public string ReasonCode { get; } = reasonCode;
}
