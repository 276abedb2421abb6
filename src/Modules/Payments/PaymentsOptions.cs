namespace OrderHost.Payments;

/// <summary>Bound from the <c>Payments</c> configuration section.</summary>
public sealed class PaymentsOptions
{
    public const string SectionName = "Payments";

    /// <summary>Orders whose total is at or above this amount fail payment.</summary>
    public decimal ApprovalLimit { get; set; } = 10_000m;
}
