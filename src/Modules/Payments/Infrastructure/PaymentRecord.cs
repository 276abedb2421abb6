namespace OrderHost.Payments.Infrastructure;

/// <summary>
/// The recorded outcome of charging one order: written once before the outcome is published, then
/// marked once the outcome event is in the stream, so no later redelivery or replay publishes it again.
/// </summary>
internal sealed record PaymentRecord(bool Approved, string? PaymentId, string? DeclineReason, DateTimeOffset ProcessedAt, bool OutcomePublished = false);
