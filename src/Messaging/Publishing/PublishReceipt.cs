namespace OrderHost.Messaging.Publishing;

/// <summary>What the stream answered: where the message is stored, and whether it was already there.</summary>
public readonly record struct PublishReceipt(ulong Sequence, bool Duplicate);
