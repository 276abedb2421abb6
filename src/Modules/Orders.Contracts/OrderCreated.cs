using OrderHost.Messaging.Events;

namespace OrderHost.Orders.Contracts;

/// <summary>
/// An order was accepted: published on <c>orders.created</c> once per order. Version 2 added the
/// optional customer email and shipping address; version 1 messages are read as version 2 without them.
/// </summary>
public sealed record OrderCreated(
    int Version,
    Guid OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string Currency,
    DateTimeOffset AcceptedAt,
    string? CustomerEmail = null,
    ShippingAddress? ShippingAddress = null) : IIntegrationEvent
{
    /// <summary>The order's id keys the ledger history (<c>orders.*.{orderId}</c>) the event belongs to.</summary>
    Guid IIntegrationEvent.AggregateId => OrderId;

    public const int CurrentVersion = 2;
}
