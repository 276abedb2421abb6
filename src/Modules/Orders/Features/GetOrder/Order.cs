namespace OrderHost.Orders.Features.GetOrder;

/// <summary>The answer of <c>GET /orders/{orderId}</c>; its type name is the OpenAPI schema name clients see.</summary>
internal sealed record Order(
    Guid OrderId,
    string? CustomerId,
    decimal? Total,
    string? Currency,
    string Status,
    bool Notified,
    IReadOnlyList<OrderStep> History);
