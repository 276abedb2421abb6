using OrderHost.Messaging.Ledger;

namespace OrderHost.Orders.Contracts;

/// <summary>
/// The ledger every module of this host shares: one history per order on <c>orders.{step}.{orderId}</c> in
/// <c>ORDERS</c>, dead letters in <c>ORDERS_DLQ</c> under <c>dlq.orders</c>, consumer advisories in <c>ORDERS_ADVISORIES</c>.
/// </summary>
public static class OrderLedger
{
    public static LedgerDefinition Definition { get; } = new(
        Entity: "order",
        StreamName: "ORDERS",
        SubjectRoot: "orders",
        DeadLetterStreamName: "ORDERS_DLQ",
        DeadLetterSubjectRoot: "dlq.orders",
        AdvisoryStreamName: "ORDERS_ADVISORIES");
}
