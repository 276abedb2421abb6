namespace OrderHost.Orders.Features.PlaceOrder;

internal sealed record PlaceOrderResponse(Guid OrderId, string Status);
