namespace OrderHost.Notifications.Contracts;

/// <summary>Durable consumer names the Notifications module owns.</summary>
public static class NotificationConsumers
{
    public const string Paid = "notifier-paid";
    public const string Failed = "notifier-failed";
}
