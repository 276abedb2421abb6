using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Publishing;
using OrderHost.Notifications.Infrastructure;

namespace OrderHost.Notifications.Features.NotifyCustomer;

/// <summary>
/// Tells the customer at most once per order outcome, then publishes <c>orders.notified</c>.
/// Send, then record, then publish: a crash between send and record can repeat the send, which
/// the notification id lets the receiver drop; a redelivery after the record never sends again.
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
        if (!await sent.WasSentAsync(notification.OrderId, notification.Kind, cancellationToken).ConfigureAwait(false))
        {
            await sender.SendAsync(notification, cancellationToken).ConfigureAwait(false);
            if (await sent.MarkSentAsync(notification.OrderId, notification.Kind, cancellationToken).ConfigureAwait(false))
            {
                metrics.Sent(notification.Kind, timeProvider.GetUtcNow() - acceptedAt);
            }
        }
        else
        {
            LogAlreadySent(notification.OrderId, notification.Kind);
        }

        var notified = new CustomerNotified(CustomerNotified.CurrentVersion, notification.OrderId, notification.Kind, timeProvider.GetUtcNow());
        await publisher.PublishAsync(
            NotificationEvents.Notified,
            notified,
            MessageIds.For(notification.OrderId, NotificationEvents.Step),
            correlationId,
            cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} was already notified ({Kind}); not sending again")]
    private partial void LogAlreadySent(Guid orderId, string kind);
}
