namespace OrderHost.Messaging.DeadLetters;

/// <summary>One entry of the dead-letter stream, as operators see it.</summary>
public sealed record DeadLetter(
    ulong Sequence,
    string Subject,
    string? Reason,
    string? Consumer,
    ulong? StreamSequence,
    ulong? Deliveries,
    DateTimeOffset DeadLetteredAt,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Data);
