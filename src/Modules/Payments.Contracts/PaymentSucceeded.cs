using OrderHost.Messaging.Events;

namespace OrderHost.Payments.Contracts;

/// <summary>The order's payment went through: published on <c>orders.paid</c>.</summary>
public sealed record PaymentSucceeded(
    int Version,
    Guid OrderId,
    string PaymentId,
    decimal Amount,
    string Currency,
    DateTimeOffset AcceptedAt,
    DateTimeOffset ProcessedAt) : IIntegrationEvent
{
    /// <summary>The order's id keys the ledger history (<c>orders.*.{orderId}</c>) the event belongs to.</summary>
    Guid IIntegrationEvent.AggregateId => OrderId;

    public const int CurrentVersion = 1;
}
