namespace OrderHost.Orders.Infrastructure;

/// <summary>What an <c>Idempotency-Key</c> stands for: the order it created, the body it came with, and whether that order was stored.</summary>
internal sealed record IdempotencyRecord(Guid OrderId, string Fingerprint, DateTimeOffset AcceptedAt, bool Published);
