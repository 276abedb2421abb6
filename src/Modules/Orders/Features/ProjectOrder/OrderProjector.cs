using OrderHost.Messaging.Consuming;
using OrderHost.Orders.Infrastructure;

namespace OrderHost.Orders.Features.ProjectOrder;

/// <summary>Keeps the read model of <c>GET /orders/{orderId}</c> in step with the events of every module.</summary>
internal sealed class OrderProjector(OrderReadModel readModel) :
    IMessageHandler<OrderCreated>,
    IMessageHandler<PaymentSucceeded>,
    IMessageHandler<PaymentFailed>,
    IMessageHandler<CustomerNotified>
{
    public Task HandleAsync(MessageContext<OrderCreated> message, CancellationToken cancellationToken)
    {
        var created = message.Event;
        return readModel.RecordAsync(
            created.OrderId,
            OrderStepKinds.Accepted,
            new OrderStepRecord(OrderStatuses.Accepted, created.AcceptedAt, created.CustomerId, created.Total, created.Currency),
            cancellationToken);
    }

    public Task HandleAsync(MessageContext<PaymentSucceeded> message, CancellationToken cancellationToken)
        => readModel.RecordAsync(
            message.Event.OrderId, OrderStepKinds.Payment, new OrderStepRecord(OrderStatuses.Paid, message.Event.ProcessedAt), cancellationToken);

    public Task HandleAsync(MessageContext<PaymentFailed> message, CancellationToken cancellationToken)
        => readModel.RecordAsync(
            message.Event.OrderId, OrderStepKinds.Payment, new OrderStepRecord(OrderStatuses.PaymentFailed, message.Event.ProcessedAt), cancellationToken);

    public Task HandleAsync(MessageContext<CustomerNotified> message, CancellationToken cancellationToken)
        => readModel.RecordAsync(
            message.Event.OrderId, OrderStepKinds.Notified, new OrderStepRecord(OrderStatuses.Notified, message.Event.NotifiedAt), cancellationToken);
}
