using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
namespace OrderHost.Tests.Ledger;

/// <summary>Valid events of one order, as the modules write them.</summary>
internal static class LedgerEvents
{
    public static OrderCreated Created(Guid orderId, decimal total = 42.5m)
        => new(OrderCreated.CurrentVersion, orderId, "c-ledger", [new OrderLine("SKU-1", 1, total)], total, "USD", DateTimeOffset.UtcNow);

    public static PaymentSucceeded Paid(Guid orderId)
        => new(PaymentSucceeded.CurrentVersion, orderId, $"pay_{orderId:N}", 42.5m, "USD", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    public static PaymentFailed Failed(Guid orderId)
        => new(PaymentFailed.CurrentVersion, orderId, 42.5m, "USD", "declined", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    public static CustomerNotified Notified(Guid orderId)
        => new(CustomerNotified.CurrentVersion, orderId, CustomerNotified.PaidKind, DateTimeOffset.UtcNow);
}
