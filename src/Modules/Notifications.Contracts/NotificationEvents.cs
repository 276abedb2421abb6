using OrderHost.Messaging.Events;

namespace OrderHost.Notifications.Contracts;

/// <summary>The events the Notifications module publishes.</summary>
public static class NotificationEvents
{
    public const string Step = "notified";

    public static readonly EventType<CustomerNotified> Notified = new(
        "orders.notified",
        CustomerNotified.CurrentVersion,
        NotificationsJsonContext.Default.CustomerNotified,
        e => e.OrderId == Guid.Empty ? "orderId is empty"
            : e.Kind is not (CustomerNotified.PaidKind or CustomerNotified.FailedKind) ? "kind must be paid or failed" : null);
}
