using System.Text.Json.Serialization;

namespace OrderHost.Orders.Infrastructure;

/// <summary>
/// One step of an order in the <c>orders</c> bucket, under its own key (<c>{orderId}.{kind}</c>):
/// each event writes only its step, create-only, so events never contend for one key and a
/// redelivered event finds its step already there.
/// </summary>
internal sealed record OrderStepRecord(
    string Status,
    DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CustomerId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Total = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency = null);

/// <summary>The key suffixes of an order's steps: acceptance, the payment outcome (paid or failed), notification.</summary>
internal static class OrderStepKinds
{
    public const string Accepted = "accepted";
    public const string Payment = "payment";
    public const string Notified = "notified";
}
