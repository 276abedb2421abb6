namespace OrderHost.Orders.Features.PlaceOrder;

internal enum PlacementOutcome
{
    Accepted,
    KeyReusedWithDifferentBody,
    /// <summary>Certainly not stored: nothing was sent to the stream, or the stream refused it.</summary>
    Unavailable,

    /// <summary>The append was sent and no answer came: the order may or may not be stored.</summary>
    OutcomeUnknown,
}

internal readonly record struct PlacementResult(PlacementOutcome Outcome, Guid OrderId = default, string? Problem = null);
