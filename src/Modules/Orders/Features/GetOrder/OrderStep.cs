namespace OrderHost.Orders.Features.GetOrder;

internal sealed record OrderStep(string Status, DateTimeOffset At);
