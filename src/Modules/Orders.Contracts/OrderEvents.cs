using OrderHost.Messaging.Events;

namespace OrderHost.Orders.Contracts;

/// <summary>The events the Orders module publishes, their subjects and step names.</summary>
public static class OrderEvents
{
    public const string CreatedStep = "created";

    public static readonly EventType<OrderCreated> Created = new(
        "orders.created",
        OrderCreated.CurrentVersion,
        OrdersJsonContext.Default.OrderCreated,
        Validate,
        EventVersion.Upcast<OrderCreatedV1, OrderCreated>(OrderCreatedV1.ThisVersion, OrdersJsonContext.Default.OrderCreatedV1, v1 => v1.ToCurrent()));

    private static string? Validate(OrderCreated evt) => evt switch
    {
        { OrderId: var id } when id == Guid.Empty => "orderId is empty",
        { CustomerId: null or "" } => "customerId is missing",
        { Items: null or { Count: 0 } } => "items are missing",
        { Total: <= 0 } => "total must be positive",
        { Currency: null or "" } => "currency is missing",
        { ShippingAddress: { Line1: null or "" } or { City: null or "" } or { PostalCode: null or "" } or { Country: null or "" } } => "shippingAddress is incomplete",
        _ => null,
    };
}
