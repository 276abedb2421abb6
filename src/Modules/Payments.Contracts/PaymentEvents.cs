using OrderHost.Messaging.Events;

namespace OrderHost.Payments.Contracts;

/// <summary>The events the Payments module publishes. Both outcomes share one step, so only one can ever be stored.</summary>
public static class PaymentEvents
{
    public const string Step = "payment";

    public static readonly EventType<PaymentSucceeded> Succeeded = new(
        "orders.paid",
        PaymentSucceeded.CurrentVersion,
        PaymentsJsonContext.Default.PaymentSucceeded,
        e => e.OrderId == Guid.Empty ? "orderId is empty" : null);

    public static readonly EventType<PaymentFailed> Failed = new(
        "orders.payment_failed",
        PaymentFailed.CurrentVersion,
        PaymentsJsonContext.Default.PaymentFailed,
        e => e.OrderId == Guid.Empty ? "orderId is empty" : null);
}
