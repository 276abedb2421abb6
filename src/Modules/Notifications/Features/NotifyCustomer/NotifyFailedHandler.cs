using OrderHost.Messaging.Consuming;

namespace OrderHost.Notifications.Features.NotifyCustomer;

internal sealed class NotifyFailedHandler(CustomerNotifier notifier) : IMessageHandler<PaymentFailed>
{
    public Task HandleAsync(MessageContext<PaymentFailed> message, CancellationToken cancellationToken)
    {
        var failed = message.Event;
        var notification = new Notification(
            NotificationIds.For(failed.OrderId, CustomerNotified.FailedKind), failed.OrderId, CustomerNotified.FailedKind, failed.Amount, failed.Currency, failed.Reason);
        return notifier.NotifyAsync(notification, failed.AcceptedAt, message.CorrelationId, message.Delivery.StreamSequence, cancellationToken);
    }
}
