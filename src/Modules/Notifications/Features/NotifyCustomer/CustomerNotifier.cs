using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Publishing;
using OrderHost.Notifications.Infrastructure;

namespace OrderHost.Notifications.Features.NotifyCustomer;

/// <summary>
/// Tells the customer at most once per order outcome, then publishes <c>orders.notified</c> once.
/// Find, send, publish, record: a record means both are done, so a redelivery or replay that finds
/// one does nothing, whenever it comes. A crash between send and record repeats the send (the
/// notification id lets the receiver drop it) and publishes the same message id, which the server
/// drops as a duplicate.
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
        var found = await sent.FindAsync(notification.OrderId, notification.Kind, cancellationToken).ConfigureAwait(false);
        if (found is { Record.EventPublished: true })
        {
            LogAlreadyDone(notification.OrderId, notification.Kind);
            return;
        }

        // A record without the mark was written by the first version after the send: only the event is missing.
        if (found is null)
        {
            await sender.SendAsync(notification, cancellationToken).ConfigureAwait(false);
        }

        var notified = new CustomerNotified(CustomerNotified.CurrentVersion, notification.OrderId, notification.Kind, timeProvider.GetUtcNow());
        await publisher.PublishAsync(
            NotificationEvents.Notified,
            notified,
            MessageIds.For(notification.OrderId, NotificationEvents.Step),
            correlationId,
            cancellationToken).ConfigureAwait(false);

        if (found is { } unmarked)
        {
            await sent.MarkPublishedAsync(notification.OrderId, notification.Kind, unmarked.Record, unmarked.Revision, cancellationToken).ConfigureAwait(false);
        }
        else if (await sent.TryRecordAsync(
            notification.OrderId, notification.Kind, new SentNotification(notified.NotifiedAt, EventPublished: true), cancellationToken).ConfigureAwait(false))
        {
            metrics.Sent(notification.Kind, notified.NotifiedAt - acceptedAt);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} was already notified ({Kind}) and the event published; nothing to do")]
    private partial void LogAlreadyDone(Guid orderId, string kind);
}
