namespace OrderHost.Notifications;

/// <summary>The channel that tells a customer. Throwing means "not sent": the message is retried.</summary>
public interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}

/// <param name="NotificationId">Stable across retries of the same notification, so receivers can drop repeats.</param>
/// <param name="OrderId">The order the customer is told about.</param>
/// <param name="Kind"><c>paid</c> or <c>failed</c>.</param>
/// <param name="Amount">Order total.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Detail">Payment id when paid; decline reason when failed.</param>
public sealed record Notification(string NotificationId, Guid OrderId, string Kind, decimal Amount, string Currency, string? Detail);
