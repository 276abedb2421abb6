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
        return readModel.ApplyAsync(created.OrderId, view => view.Has(OrderStatuses.Accepted)
            ? null
            : view.With(OrderStatuses.Accepted, created.AcceptedAt) with
            {
                CustomerId = created.CustomerId,
                Total = created.Total,
                Currency = created.Currency,
            },
            cancellationToken);
    }

    public Task HandleAsync(MessageContext<PaymentSucceeded> message, CancellationToken cancellationToken)
        => ApplyPaymentAsync(message.Event.OrderId, OrderStatuses.Paid, message.Event.ProcessedAt, cancellationToken);

    public Task HandleAsync(MessageContext<PaymentFailed> message, CancellationToken cancellationToken)
        => ApplyPaymentAsync(message.Event.OrderId, OrderStatuses.PaymentFailed, message.Event.ProcessedAt, cancellationToken);

    public Task HandleAsync(MessageContext<CustomerNotified> message, CancellationToken cancellationToken)
    {
        var notified = message.Event;
        return readModel.ApplyAsync(notified.OrderId, view => view.Notified
            ? null
            : view.With(OrderStatuses.Notified, notified.NotifiedAt) with { Notified = true },
            cancellationToken);
    }

    private Task ApplyPaymentAsync(Guid orderId, string status, DateTimeOffset at, CancellationToken cancellationToken)
        => readModel.ApplyAsync(orderId, view => view.Has(OrderStatuses.Paid) || view.Has(OrderStatuses.PaymentFailed)
            ? null
            : view.With(status, at) with { Status = status },
            cancellationToken);
}
