using OrderHost.Messaging.Consuming;
using OrderHost.Notifications.Infrastructure;

namespace OrderHost.Notifications.Features.NotifyCustomer;

internal sealed class NotifyFailedHandler(CustomerNotifier notifier) : IMessageHandler<PaymentFailed>
{
    public Task HandleAsync(MessageContext<PaymentFailed> message, CancellationToken cancellationToken)
    {
        var failed = message.Event;
        var notification = new Notification(
            SentNotifications.Key(failed.OrderId, CustomerNotified.FailedKind), failed.OrderId, CustomerNotified.FailedKind, failed.Amount, failed.Currency, failed.Reason);
        return notifier.NotifyAsync(notification, failed.AcceptedAt, message.CorrelationId, cancellationToken);
    }
}
