namespace OrderHost.Orders.Contracts;

/// <summary>The first shape of <c>orders.created</c>, still read by consumers (upcast to <see cref="OrderCreated"/>).</summary>
public sealed record OrderCreatedV1(
    int Version,
    Guid OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string Currency,
    DateTimeOffset AcceptedAt)
{
    public const int ThisVersion = 1;

    public OrderCreated ToCurrent()
        => new(OrderCreated.CurrentVersion, OrderId, CustomerId, Items, Total, Currency, AcceptedAt);
}
