using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Notifications.Features.NotifyCustomer;

/// <summary>
/// Tells the customer the payment outcome and appends <c>orders.notified</c>, once per order. The
/// order's history, read from the stream leader, says whether the outcome is still its last event:
/// if not, the customer was told already and nothing is sent. The append names the outcome's
/// sequence, so the leader stores one notification per order, ever. A crash between send and append
/// repeats the send, with the same notification id for the receiver to drop.
/// </summary>
internal sealed partial class CustomerNotifier(
    INotificationSender sender,
    [FromKeyedServices(NotificationsModule.Name)] IEventLedger ledger,
    NotificationsMetrics metrics,
    TimeProvider timeProvider,
    ILogger<CustomerNotifier> logger)
{
    public async Task NotifyAsync(
        Notification notification, DateTimeOffset acceptedAt, string correlationId, ulong outcomeSequence, CancellationToken cancellationToken)
    {
        var history = OrderHistory.Filter(notification.OrderId);
        var last = await ledger.ReadLastAsync(history, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Order {notification.OrderId:D} has no history in the ledger although its payment outcome was delivered.");
        if (last.Sequence != outcomeSequence)
        {
            LogAlreadyDone(notification.OrderId, notification.Kind, last.Subject, last.Sequence);
            return;
        }

        await sender.SendAsync(notification, cancellationToken).ConfigureAwait(false);

        var notified = new CustomerNotified(CustomerNotified.CurrentVersion, notification.OrderId, notification.Kind, timeProvider.GetUtcNow());
        var appended = await ledger.AppendAsync(
            NotificationEvents.Notified,
            notified,
            NotificationEvents.Notified.SubjectFor(notification.OrderId),
            MessageIds.For(notification.OrderId, NotificationEvents.Step),
            AppendCondition.After(history, outcomeSequence),
            correlationId,
            cancellationToken).ConfigureAwait(false);
        if (appended.StoredNow)
        {
            metrics.Sent(notification.Kind, notified.NotifiedAt - acceptedAt);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} was already notified ({Kind}): its last event is {Subject} at sequence {Sequence}; nothing to do")]
    private partial void LogAlreadyDone(Guid orderId, string kind, string subject, ulong sequence);
}
