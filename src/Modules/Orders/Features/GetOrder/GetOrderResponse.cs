namespace OrderHost.Orders.Features.GetOrder;

internal sealed record GetOrderResponse(
    Guid OrderId,
    string? CustomerId,
    decimal? Total,
    string? Currency,
    string Status,
    bool Notified,
    IReadOnlyList<OrderStepResponse> History);

internal sealed record OrderStepResponse(string Status, DateTimeOffset At);
