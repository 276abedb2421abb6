namespace OrderHost.Notifications.Features.NotifyCustomer;

/// <summary>The id a receiver sees on every attempt of one notification (the webhook-id), so it can drop repeats.</summary>
internal static class NotificationIds
{
    public static string For(Guid orderId, string kind) => $"{orderId:D}.{kind}";
}
