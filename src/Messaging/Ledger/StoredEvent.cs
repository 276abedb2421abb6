namespace OrderHost.Messaging.Ledger;

/// <summary>One message of the ledger as the server returned it.</summary>
public sealed record StoredEvent(string Subject, ulong Sequence, DateTimeOffset StoredAt, ReadOnlyMemory<byte> Data);
