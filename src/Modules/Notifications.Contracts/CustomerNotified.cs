using OrderHost.Messaging.Events;

namespace OrderHost.Notifications.Contracts;

/// <summary>The customer was told the payment outcome: published on <c>orders.notified</c>.</summary>
public sealed record CustomerNotified(
    int Version,
    Guid OrderId,
    string Kind,
    DateTimeOffset NotifiedAt) : IIntegrationEvent
{
    /// <summary>The order's id keys the ledger history (<c>orders.*.{orderId}</c>) the event belongs to.</summary>
    Guid IIntegrationEvent.AggregateId => OrderId;

    public const int CurrentVersion = 1;

    public const string PaidKind = "paid";
    public const string FailedKind = "failed";
}
