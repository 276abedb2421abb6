using OrderHost.Messaging.Events;

namespace OrderHost.Orders.Contracts;

/// <summary>An order was accepted: published on <c>orders.created</c> once per order.</summary>
public sealed record OrderCreated(
    int Version,
    Guid OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string Currency,
    DateTimeOffset AcceptedAt) : IIntegrationEvent
{
    public const int CurrentVersion = 1;
}
