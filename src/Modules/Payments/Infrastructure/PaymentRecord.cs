namespace OrderHost.Payments.Infrastructure;

/// <summary>
/// The outcome of charging one order, written once after the outcome event is in the stream, so
/// no later redelivery or replay charges or publishes again. <see cref="OutcomePublished"/> is false
/// only in records of the first version, which wrote the record before publishing and marked it after.
/// </summary>
internal sealed record PaymentRecord(bool Approved, string? PaymentId, string? DeclineReason, DateTimeOffset ProcessedAt, bool OutcomePublished = false);
