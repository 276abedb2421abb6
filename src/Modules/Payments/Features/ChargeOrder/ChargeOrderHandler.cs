using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Publishing;
using OrderHost.Payments.Infrastructure;

namespace OrderHost.Payments.Features.ChargeOrder;

/// <summary>
/// Charges a created order once and publishes the outcome once. Charge, record, publish, mark:
/// a redelivery after a crash finds the record and publishes the recorded outcome (same message
/// id, so a repeat within the duplicate window is dropped); once marked, nothing is published again.
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
        var (record, revision) = await records.FindAsync(order.OrderId, cancellationToken).ConfigureAwait(false)
            ?? await ChargeAsync(order, cancellationToken).ConfigureAwait(false);
        if (record.OutcomePublished)
        {
            // A redelivery or a replay: the outcome is already in the stream, whenever that was.
            return;
        }

        var messageId = MessageIds.For(order.OrderId, PaymentEvents.Step);
        if (record.Approved)
        {
            var paid = new PaymentSucceeded(
                PaymentSucceeded.CurrentVersion, order.OrderId, record.PaymentId ?? string.Empty, order.Total, order.Currency, order.AcceptedAt, record.ProcessedAt);
            await publisher.PublishAsync(PaymentEvents.Succeeded, paid, messageId, message.CorrelationId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var failed = new PaymentFailed(
                PaymentFailed.CurrentVersion, order.OrderId, order.Total, order.Currency, record.DeclineReason ?? "declined", order.AcceptedAt, record.ProcessedAt);
            await publisher.PublishAsync(PaymentEvents.Failed, failed, messageId, message.CorrelationId, cancellationToken).ConfigureAwait(false);
        }

        await records.MarkPublishedAsync(order.OrderId, record, revision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Charges the order and records the outcome; the first record written wins.</summary>
    private async Task<(PaymentRecord Record, ulong Revision)> ChargeAsync(OrderCreated order, CancellationToken cancellationToken)
    {
        var result = await gateway.ChargeAsync(
            new PaymentRequest(order.OrderId, order.CustomerId, order.Total, order.Currency), cancellationToken).ConfigureAwait(false);
        var (record, revision, created) = await records.CreateOrGetAsync(
            order.OrderId,
            new PaymentRecord(result.Approved, result.PaymentId, result.DeclineReason, timeProvider.GetUtcNow()),
            cancellationToken).ConfigureAwait(false);
        if (created)
        {
            metrics.Processed(record.Approved);
            LogCharged(order.OrderId, record.Approved, order.Total, order.Currency);
        }

        return (record, revision);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charged order {OrderId}: approved {Approved}, {Amount} {Currency}")]
    private partial void LogCharged(Guid orderId, bool approved, decimal amount, string currency);
}
