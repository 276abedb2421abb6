using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Orders.Infrastructure;

/// <summary>
/// The <c>orders</c> bucket: one view per order, changed by compare-and-set so concurrent events
/// never overwrite each other. Writes start from the last revision this process wrote (or, for a
/// new order, create without reading), and read the bucket only when that guess is wrong.
/// </summary>
internal sealed class OrderReadModel([FromKeyedServices(OrdersModule.Name)] IKeyValueStores stores, OrderViewCache cache)
{
    public const string Bucket = "orders";
    private const int MaxAttempts = 16;

    public async Task<OrderView?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var entry = await store.FindEntryAsync(Key(orderId), cancellationToken).ConfigureAwait(false);
        return entry is { Value: { } data } ? Deserialize(data) : null;
    }

    /// <summary>Applies <paramref name="change"/>; a change that returns null means "already applied".</summary>
    public async Task ApplyAsync(Guid orderId, Func<OrderView, OrderView?> change, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var key = Key(orderId);
        var known = cache.TryGet(orderId, out var current, out var revision);
        var fromCache = known;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var next = change(known ? current : OrderView.Empty(orderId));
            if (next is null && fromCache)
            {
                // Only the bucket can say "already applied" (it may have been purged to rebuild it): check once.
                fromCache = false;
                (known, current, revision) = await ReadAsync(store, key, orderId, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (next is null)
            {
                return;
            }

            var data = Serialize(next);
            var written = known
                ? await store.TryUpdateAsync(key, data, revision, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await store.TryCreateAsync(key, data, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (written.Success)
            {
                cache.Set(orderId, next, written.Value);
                return;
            }

            if (written.Error is not (NatsKVWrongLastRevisionException or NatsKVCreateException))
            {
                cache.Forget(orderId);
                throw written.Error;
            }

            // Someone else wrote first: read what stands and apply the change to it.
            fromCache = false;
            (known, current, revision) = await ReadAsync(store, key, orderId, cancellationToken).ConfigureAwait(false);
        }

        cache.Forget(orderId);
        throw new InvalidOperationException($"Order {orderId} kept changing under {MaxAttempts} attempts to update it.");
    }

    private static async Task<(bool Known, OrderView View, ulong Revision)> ReadAsync(INatsKVStore store, string key, Guid orderId, CancellationToken cancellationToken)
    {
        var entry = await store.FindEntryAsync(key, cancellationToken).ConfigureAwait(false);
        return entry is { Value: { } data } found
            ? (true, Deserialize(data), found.Revision)
            : (false, OrderView.Empty(orderId), 0);
    }

    private static string Key(Guid orderId) => orderId.ToString("D");

    private static byte[] Serialize(OrderView view) => JsonSerializer.SerializeToUtf8Bytes(view, OrderStateJsonContext.Default.OrderView);

    private static OrderView Deserialize(byte[] data)
        => JsonSerializer.Deserialize(data, OrderStateJsonContext.Default.OrderView) ?? throw new InvalidOperationException("Empty order view.");
}
