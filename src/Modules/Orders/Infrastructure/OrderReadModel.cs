using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Orders.Infrastructure;

/// <summary>
/// The <c>orders</c> bucket: each step of an order under its own key, written once by the event that
/// makes it (create-only: no read, no compare-and-set retries, no cache), and put together on read.
/// Views written whole under the bare order id by the first version are still read and merged.
/// </summary>
internal sealed class OrderReadModel([FromKeyedServices(OrdersModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "orders";

    private static readonly string[] StepKinds = [OrderStepKinds.Accepted, OrderStepKinds.Payment, OrderStepKinds.Notified];

    public async Task<OrderView?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var lookup = await stores.GetLookupAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var stepKeys = StepKinds.Select(kind => StepKey(orderId, kind)).ToArray();
        var legacyKey = LegacyKey(orderId);
        var found = await lookup.FindManyAsync([.. stepKeys, legacyKey], cancellationToken).ConfigureAwait(false);

        var legacy = found.TryGetValue(legacyKey, out var legacyRecord) ? DeserializeView(legacyRecord.Value) : null;
        var steps = stepKeys.Select(key => found.TryGetValue(key, out var record) ? DeserializeStep(record.Value) : null).OfType<OrderStepRecord>().ToList();
        if (legacy is null && steps.Count == 0)
        {
            return null;
        }

        return steps.Aggregate(legacy ?? OrderView.Empty(orderId), Apply);
    }

    /// <summary>Writes one step unless it is there already (a redelivered or replayed event).</summary>
    public async Task RecordAsync(Guid orderId, string kind, OrderStepRecord step, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        await store.CreateIfAbsentAsync(
            StepKey(orderId, kind), JsonSerializer.SerializeToUtf8Bytes(step, OrderStateJsonContext.Default.OrderStepRecord), cancellationToken).ConfigureAwait(false);
    }

    public static string StepKey(Guid orderId, string kind) => $"{orderId:D}.{kind}";

    private static string LegacyKey(Guid orderId) => orderId.ToString("D");

    private static OrderView Apply(OrderView view, OrderStepRecord step)
    {
        if (view.Has(step.Status))
        {
            return view;
        }

        var next = view.With(step.Status, step.At);
        return step.Status switch
        {
            OrderStatuses.Accepted => next with { CustomerId = step.CustomerId, Total = step.Total, Currency = step.Currency },
            OrderStatuses.Notified => next with { Notified = true },
            _ => next with { Status = step.Status },
        };
    }

    private static OrderStepRecord DeserializeStep(byte[] data)
        => JsonSerializer.Deserialize(data, OrderStateJsonContext.Default.OrderStepRecord) ?? throw new InvalidOperationException("Empty order step.");

    private static OrderView DeserializeView(byte[] data)
        => JsonSerializer.Deserialize(data, OrderStateJsonContext.Default.OrderView) ?? throw new InvalidOperationException("Empty order view.");
}
