using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Payments.Features.ChargeOrder;

/// <summary>
/// Charges a created order and appends its one payment outcome. The ledger decides, not a record
/// beside it: the outcome is appended only while <c>created</c> is still the last event of the
/// order (checked by the stream leader), so an order can never get a second or different outcome,
/// whatever is redelivered, replayed or run in parallel. Before the gateway is called the order's
/// history is read from the leader, so a finished order is never charged again; a crash between
/// charge and append makes the redelivery call the gateway again, whose contract makes the order
/// id its idempotency key.
/// </summary>
internal sealed partial class ChargeOrderHandler(
    IPaymentGateway gateway,
    [FromKeyedServices(PaymentsModule.Name)] IEventLedger ledger,
    PaymentsMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ChargeOrderHandler> logger) : IMessageHandler<OrderCreated>
{
    public async Task HandleAsync(MessageContext<OrderCreated> message, CancellationToken cancellationToken)
    {
        var order = message.Event;
        var history = OrderHistory.Filter(order.OrderId);
        var created = message.Delivery.StreamSequence;
        var last = await ledger.ReadLastAsync(history, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Order {order.OrderId:D} has no history in the ledger although its created event was delivered.");
        if (last.Sequence != created)
        {
            LogAlreadyDone(order.OrderId, last.Subject, last.Sequence);
            return;
        }

        var result = await gateway.ChargeAsync(
            new PaymentRequest(order.OrderId, order.CustomerId, order.Total, order.Currency), cancellationToken).ConfigureAwait(false);
        var appended = await AppendOutcomeAsync(order, result, AppendCondition.After(history, created), message.CorrelationId, cancellationToken)
            .ConfigureAwait(false);
        if (appended.StoredNow)
        {
            metrics.Processed(result.Approved);
            LogCharged(order.OrderId, result.Approved, order.Total, order.Currency);
        }
        else if (appended.Refused)
        {
            LogRaceLost(order.OrderId, appended.Sequence);
        }
    }

    private Task<AppendResult> AppendOutcomeAsync(
        OrderCreated order, PaymentResult result, AppendCondition condition, string correlationId, CancellationToken cancellationToken)
    {
        // Both outcomes share one message id: within the duplicate window the server drops the other one outright.
        var messageId = MessageIds.For(order.OrderId, PaymentEvents.Step);
        var processedAt = timeProvider.GetUtcNow();
        return result.Approved
            ? ledger.AppendAsync(
                PaymentEvents.Succeeded,
                new PaymentSucceeded(
                    PaymentSucceeded.CurrentVersion, order.OrderId, result.PaymentId ?? string.Empty, order.Total, order.Currency, order.AcceptedAt, processedAt),
                PaymentEvents.Succeeded.SubjectFor(order.OrderId),
                messageId,
                condition,
                correlationId,
                cancellationToken)
            : ledger.AppendAsync(
                PaymentEvents.Failed,
                new PaymentFailed(
                    PaymentFailed.CurrentVersion, order.OrderId, order.Total, order.Currency, result.DeclineReason ?? "declined", order.AcceptedAt, processedAt),
                PaymentEvents.Failed.SubjectFor(order.OrderId),
                messageId,
                condition,
                correlationId,
                cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Charged order {OrderId}: approved {Approved}, {Amount} {Currency}")]
    private partial void LogCharged(Guid orderId, bool approved, decimal amount, string currency);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} is past payment already ({Subject} at sequence {Sequence}); nothing to do")]
    private partial void LogAlreadyDone(Guid orderId, string subject, ulong sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} got its payment outcome from another delivery first (last sequence {Sequence}); this outcome was not stored")]
    private partial void LogRaceLost(Guid orderId, ulong sequence);
}
