using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Publishing;
using OrderHost.Notifications.Infrastructure;

namespace OrderHost.Notifications.Features.NotifyCustomer;

/// <summary>
/// Tells the customer at most once per order outcome, then publishes <c>orders.notified</c> once.
/// Send, record, publish, mark: a crash between send and record can repeat the send, which the
/// notification id lets the receiver drop; a redelivery after the record never sends again, and
/// after the mark publishes nothing again (also when a replay comes long after the duplicate window).
/// </summary>
internal sealed partial class CustomerNotifier(
    INotificationSender sender,
    SentNotifications sent,
    [FromKeyedServices(NotificationsModule.Name)] IEventPublisher publisher,
    NotificationsMetrics metrics,
    TimeProvider timeProvider,
    ILogger<CustomerNotifier> logger)
{
    public async Task NotifyAsync(Notification notification, DateTimeOffset acceptedAt, string correlationId, CancellationToken cancellationToken)
    {
        var (record, revision) = await sent.FindAsync(notification.OrderId, notification.Kind, cancellationToken).ConfigureAwait(false)
            ?? await SendAsync(notification, acceptedAt, cancellationToken).ConfigureAwait(false);
        if (record.EventPublished)
        {
            LogAlreadyDone(notification.OrderId, notification.Kind);
            return;
        }

        var notified = new CustomerNotified(CustomerNotified.CurrentVersion, notification.OrderId, notification.Kind, timeProvider.GetUtcNow());
        await publisher.PublishAsync(
            NotificationEvents.Notified,
            notified,
            MessageIds.For(notification.OrderId, NotificationEvents.Step),
            correlationId,
            cancellationToken).ConfigureAwait(false);
        await sent.MarkPublishedAsync(notification.OrderId, notification.Kind, record, revision, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(SentNotification Record, ulong Revision)> SendAsync(Notification notification, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        await sender.SendAsync(notification, cancellationToken).ConfigureAwait(false);
        var (record, revision, created) = await sent.RecordAsync(
            notification.OrderId, notification.Kind, new SentNotification(timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (created)
        {
            metrics.Sent(notification.Kind, timeProvider.GetUtcNow() - acceptedAt);
        }

        return (record, revision);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} was already notified ({Kind}) and the event published; nothing to do")]
    private partial void LogAlreadyDone(Guid orderId, string kind);
}
