namespace OrderHost.Notifications.Infrastructure;

/// <summary>The default channel: one structured log line per notification.</summary>
internal sealed partial class LogNotificationSender(ILogger<LogNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        LogNotified(notification.OrderId, notification.Kind, notification.Amount, notification.Currency, notification.NotificationId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer notified: order {OrderId} {Kind}, {Amount} {Currency} (notification {NotificationId})")]
    private partial void LogNotified(Guid orderId, string kind, decimal amount, string currency, string notificationId);
}
