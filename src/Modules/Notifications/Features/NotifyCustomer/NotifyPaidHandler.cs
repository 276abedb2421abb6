using OrderHost.Messaging.Consuming;

namespace OrderHost.Notifications.Features.NotifyCustomer;

internal sealed class NotifyPaidHandler(CustomerNotifier notifier) : IMessageHandler<PaymentSucceeded>
{
    public Task HandleAsync(MessageContext<PaymentSucceeded> message, CancellationToken cancellationToken)
    {
        var paid = message.Event;
        var notification = new Notification(
            NotificationIds.For(paid.OrderId, CustomerNotified.PaidKind), paid.OrderId, CustomerNotified.PaidKind, paid.Amount, paid.Currency, paid.PaymentId);
        return notifier.NotifyAsync(notification, paid.AcceptedAt, message.CorrelationId, message.Delivery.StreamSequence, cancellationToken);
    }
}
