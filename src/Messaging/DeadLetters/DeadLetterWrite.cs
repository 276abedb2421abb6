namespace OrderHost.Messaging.DeadLetters;

public enum DeadLetterWrite
{
    /// <summary>The entry was stored now.</summary>
    Written,

    /// <summary>An entry for the same original message was stored before (it may since have been replayed or deleted): nothing new was stored.</summary>
    AlreadyWritten,
}
