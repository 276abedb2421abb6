using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Ledger;
using OrderHost.Messaging.Publishing;
using OrderHost.Orders.Infrastructure;

namespace OrderHost.Orders.Features.PlaceOrder;

/// <summary>
/// Turns a valid request into one <c>orders.created.{orderId}</c> in the ledger. With an Idempotency-Key the
/// order id and acceptance time come from the key's record, so every retry publishes the very same
/// event under the very same message id and the same condition, and the stream keeps one.
/// </summary>
internal sealed partial class OrderIntake(
    [FromKeyedServices(OrdersModule.Name)] IEventLedger ledger,
    IdempotencyRecords idempotency,
    OrdersMetrics metrics,
    IOptions<OrdersOptions> options,
    TimeProvider timeProvider,
    ILogger<OrderIntake> logger)
{
    public async Task<PlacementResult> PlaceAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        var attempt = new Attempt();
        try
        {
            return request.IdempotencyKey is { } key
                ? await PlaceOnceAsync(request, key, attempt, timeout.Token).ConfigureAwait(false)
                : await AppendAsync(request, NewOrderId(), timeProvider.GetUtcNow(), attempt, timeout.Token).ConfigureAwait(false);
        }
        catch (PublishRejectedException ex)
        {
            // The stream answered with an error: nothing was stored.
            LogUnavailable(ex, options.Value.PublishTimeout);
            return new PlacementResult(PlacementOutcome.Unavailable, Problem: "JetStream refused the order.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(ex, options.Value.PublishTimeout);
            var what = ex is OperationCanceledException ? $"JetStream did not answer within {options.Value.PublishTimeout.TotalSeconds:0.#} s." : "JetStream is unavailable.";
            return attempt.AppendSent
                ? new PlacementResult(PlacementOutcome.OutcomeUnknown, Problem: what)
                : new PlacementResult(PlacementOutcome.Unavailable, Problem: what);
        }
    }

    private async Task<PlacementResult> PlaceOnceAsync(PlaceOrderRequest request, string key, Attempt attempt, CancellationToken cancellationToken)
    {
        var fingerprint = RequestFingerprint.Of(request);
        var candidate = new IdempotencyRecord(NewOrderId(), fingerprint, timeProvider.GetUtcNow(), Published: false);
        var (record, revision, _) = await idempotency.CreateOrGetAsync(key, candidate, cancellationToken).ConfigureAwait(false);
        if (record.Fingerprint != fingerprint)
        {
            return new PlacementResult(PlacementOutcome.KeyReusedWithDifferentBody, record.OrderId, "This Idempotency-Key was used with a different body.");
        }

        if (record.Published)
        {
            return new PlacementResult(PlacementOutcome.Accepted, record.OrderId);
        }

        // Not known to be stored yet (first attempt, a concurrent one, or one that failed): publish;
        // the deterministic message id makes repeats within the duplicate window harmless.
        var result = await AppendAsync(request, record.OrderId, record.AcceptedAt, attempt, cancellationToken).ConfigureAwait(false);
        try
        {
            await idempotency.MarkPublishedAsync(key, record, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The order is in the ledger: that is the answer. Without the mark a retry appends again and is refused as stored.
            LogMarkFailed(ex, record.OrderId);
        }

        return result;
    }

    private async Task<PlacementResult> AppendAsync(PlaceOrderRequest request, Guid orderId, DateTimeOffset acceptedAt, Attempt attempt, CancellationToken cancellationToken)
    {
        var created = new OrderCreated(
            OrderCreated.CurrentVersion,
            orderId,
            request.CustomerId!,
            [.. request.Items!.Select(i => new OrderLine(i.Sku!, i.Quantity, i.UnitPrice))],
            request.Total,
            request.EffectiveCurrency,
            acceptedAt,
            request.CustomerEmail,
            request.ShippingAddress is { } a ? new ShippingAddress(a.Line1!, a.Line2, a.City!, a.PostalCode!, a.Country!) : null);
        var correlationId = request.CorrelationId ?? orderId.ToString("D");

        // The first event of the order's history: refused when the order is in the ledger already
        // (a retry after the duplicate window), which is acceptance all the same.
        attempt.AppendSent = true;
        var appended = await ledger.AppendAsync(
            OrderEvents.Created,
            created,
            OrderEvents.Created.SubjectFor(orderId),
            MessageIds.For(orderId, OrderEvents.CreatedStep),
            AppendCondition.First(OrderHistory.Filter(orderId)),
            correlationId,
            cancellationToken).ConfigureAwait(false);
        if (appended.StoredNow)
        {
            metrics.Accepted();
            LogAccepted(orderId, correlationId, appended.Sequence);
        }

        return new PlacementResult(PlacementOutcome.Accepted, orderId);
    }

    private Guid NewOrderId() => Guid.CreateVersion7(timeProvider.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} accepted (correlation {CorrelationId}, stream sequence {Sequence})")]
    private partial void LogAccepted(Guid orderId, string correlationId, ulong sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order not confirmed: JetStream unavailable (timeout {Timeout})")]
    private partial void LogUnavailable(Exception? exception, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} is stored, but its Idempotency-Key record could not be marked; a retry will find it stored")]
    private partial void LogMarkFailed(Exception exception, Guid orderId);

    /// <summary>How far a placement got: once the append is sent, a missing answer leaves the outcome unknown.</summary>
    private sealed class Attempt
    {
        public bool AppendSent { get; set; }
    }
}
