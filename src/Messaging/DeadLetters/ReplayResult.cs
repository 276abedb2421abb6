namespace OrderHost.Messaging.DeadLetters;

public enum ReplayResult
{
    /// <summary>The original message was published again and the entry removed.</summary>
    Replayed,

    /// <summary>The entity's history has moved past the original message (its step is done): nothing was published; the entry was removed.</summary>
    AlreadyDone,

    /// <summary>No dead letter at that sequence.</summary>
    NotFound,

    /// <summary>
    /// The entry does not point at a message that is still in the stream with the same subject:
    /// nothing is published, since a dead letter alone is not trusted (modules may write them).
    /// </summary>
    OriginalUnavailable,
}
