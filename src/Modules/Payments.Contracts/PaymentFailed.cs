using OrderHost.Messaging.Events;

namespace OrderHost.Payments.Contracts;

/// <summary>The order's payment was declined: published on <c>orders.payment_failed</c>.</summary>
public sealed record PaymentFailed(
    int Version,
    Guid OrderId,
    decimal Amount,
    string Currency,
    string Reason,
    DateTimeOffset AcceptedAt,
    DateTimeOffset ProcessedAt) : IIntegrationEvent
{
    /// <summary>The order's id keys the ledger history (<c>orders.*.{orderId}</c>) the event belongs to.</summary>
    Guid IIntegrationEvent.AggregateId => OrderId;

    public const int CurrentVersion = 1;
}
