using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Publishing;
using OrderHost.Payments.Infrastructure;

namespace OrderHost.Payments.Features.ChargeOrder;

/// <summary>
/// Charges a created order once and publishes the outcome once. Find, charge, publish, record: a
/// record means the outcome is in the stream, so a redelivery or replay that finds one does nothing,
/// whenever it comes. A crash between charge and record makes the redelivery call the gateway again
/// (its contract: the order id is the idempotency key, the same result comes back) and publish the
/// same message id, which the server drops as a duplicate.
/// </summary>
internal sealed partial class ChargeOrderHandler(
    IPaymentGateway gateway,
    PaymentRecords records,
    [FromKeyedServices(PaymentsModule.Name)] IEventPublisher publisher,
    PaymentsMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ChargeOrderHandler> logger) : IMessageHandler<OrderCreated>
{
    public async Task HandleAsync(MessageContext<OrderCreated> message, CancellationToken cancellationToken)
    {
        var order = message.Event;
        var found = await records.FindAsync(order.OrderId, cancellationToken).ConfigureAwait(false);
        if (found is { Record.OutcomePublished: true })
        {
            return;
        }

        // A record without the mark was written by the first version before it published: publish what it recorded.
        var record = found?.Record ?? await ChargeAsync(order, cancellationToken).ConfigureAwait(false);
        await PublishOutcomeAsync(order, record, message.CorrelationId, cancellationToken).ConfigureAwait(false);

        if (found is { } unmarked)
        {
            await records.MarkPublishedAsync(order.OrderId, unmarked.Record, unmarked.Revision, cancellationToken).ConfigureAwait(false);
        }
        else if (await records.TryCreateAsync(order.OrderId, record, cancellationToken).ConfigureAwait(false))
        {
            metrics.Processed(record.Approved);
            LogCharged(order.OrderId, record.Approved, order.Total, order.Currency);
        }
    }

    private async Task<PaymentRecord> ChargeAsync(OrderCreated order, CancellationToken cancellationToken)
    {
        var result = await gateway.ChargeAsync(
            new PaymentRequest(order.OrderId, order.CustomerId, order.Total, order.Currency), cancellationToken).ConfigureAwait(false);
        return new PaymentRecord(result.Approved, result.PaymentId, result.DeclineReason, timeProvider.GetUtcNow(), OutcomePublished: true);
    }

    private Task<PublishReceipt> PublishOutcomeAsync(OrderCreated order, PaymentRecord record, string correlationId, CancellationToken cancellationToken)
    {
        var messageId = MessageIds.For(order.OrderId, PaymentEvents.Step);
        return record.Approved
            ? publisher.PublishAsync(
                PaymentEvents.Succeeded,
                new PaymentSucceeded(
                    PaymentSucceeded.CurrentVersion, order.OrderId, record.PaymentId ?? string.Empty, order.Total, order.Currency, order.AcceptedAt, record.ProcessedAt),
                messageId,
                correlationId,
                cancellationToken)
            : publisher.PublishAsync(
                PaymentEvents.Failed,
                new PaymentFailed(
                    PaymentFailed.CurrentVersion, order.OrderId, order.Total, order.Currency, record.DeclineReason ?? "declined", order.AcceptedAt, record.ProcessedAt),
                messageId,
                correlationId,
                cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Charged order {OrderId}: approved {Approved}, {Amount} {Currency}")]
    private partial void LogCharged(Guid orderId, bool approved, decimal amount, string currency);
}
