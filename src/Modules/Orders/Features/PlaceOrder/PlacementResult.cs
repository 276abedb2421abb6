namespace OrderHost.Orders.Features.PlaceOrder;

internal enum PlacementOutcome
{
    Accepted,
    KeyReusedWithDifferentBody,
    Unavailable,
}

internal readonly record struct PlacementResult(PlacementOutcome Outcome, Guid OrderId = default, string? Problem = null);
