namespace OrderHost.Orders.Contracts;

/// <summary>
/// An order's history in the <c>ORDERS</c> ledger: each step on its own subject, <c>orders.{step}.{orderId}</c>.
/// Every append after <c>created</c> names the sequence of the event it follows on this filter, so
/// the stream leader refuses a second successor.
/// </summary>
public static class OrderHistory
{
    public static string Filter(Guid orderId) => string.Create(null, stackalloc char[64], $"orders.*.{orderId:D}");
}
