namespace OrderHost.Payments.Infrastructure;

/// <summary>The recorded outcome of charging one order; written once, read on every redelivery.</summary>
internal sealed record PaymentRecord(bool Approved, string? PaymentId, string? DeclineReason, DateTimeOffset ProcessedAt);
