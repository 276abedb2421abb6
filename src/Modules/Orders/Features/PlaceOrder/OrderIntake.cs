using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Ledger;
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
        try
        {
            return request.IdempotencyKey is { } key
                ? await PlaceOnceAsync(request, key, timeout.Token).ConfigureAwait(false)
                : await PublishAsync(request, NewOrderId(), timeProvider.GetUtcNow(), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(null, options.Value.PublishTimeout);
            return new PlacementResult(PlacementOutcome.Unavailable, Problem: $"JetStream did not acknowledge within {options.Value.PublishTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Every failure here is the broker's (connection, stream, bucket): the order was not accepted.
            LogUnavailable(ex, options.Value.PublishTimeout);
            return new PlacementResult(PlacementOutcome.Unavailable, Problem: "JetStream is unavailable.");
        }
    }

    private async Task<PlacementResult> PlaceOnceAsync(PlaceOrderRequest request, string key, CancellationToken cancellationToken)
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
        var result = await PublishAsync(request, record.OrderId, record.AcceptedAt, cancellationToken).ConfigureAwait(false);
        await idempotency.MarkPublishedAsync(key, record, revision, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<PlacementResult> PublishAsync(PlaceOrderRequest request, Guid orderId, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order not accepted: JetStream unavailable (timeout {Timeout})")]
    private partial void LogUnavailable(Exception? exception, TimeSpan timeout);
}
