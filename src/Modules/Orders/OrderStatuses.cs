namespace OrderHost.Orders;

/// <summary>The status values of the read model, as the HTTP contract spells them.</summary>
internal static class OrderStatuses
{
    public const string Accepted = "accepted";
    public const string Paid = "paid";
    public const string PaymentFailed = "payment_failed";
    public const string Notified = "notified";
}
