using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Orders.Infrastructure;

/// <summary>The <c>orders</c> bucket: one view per order, changed by compare-and-set so concurrent events never overwrite each other.</summary>
internal sealed class OrderReadModel([FromKeyedServices(OrdersModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "orders";
    private const int MaxAttempts = 16;

    public async Task<OrderView?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var entry = await store.TryGetEntryAsync(Key(orderId), serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success && entry.Value.Value is { } data ? Deserialize(data) : null;
    }

    /// <summary>Applies <paramref name="change"/>; a change that returns null means "already applied".</summary>
    public async Task ApplyAsync(Guid orderId, Func<OrderView, OrderView?> change, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var key = Key(orderId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entry = await store.TryGetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (entry.Success && entry.Value.Value is { } data)
            {
                var next = change(Deserialize(data));
                if (next is null)
                {
                    return;
                }

                var updated = await store.TryUpdateAsync(key, Serialize(next), entry.Value.Revision, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (updated.Success)
                {
                    return;
                }

                ThrowUnlessConflict(updated.Error);
            }
            else
            {
                var first = change(OrderView.Empty(orderId));
                if (first is null)
                {
                    return;
                }

                var created = await store.TryCreateAsync(key, Serialize(first), serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (created.Success)
                {
                    return;
                }

                ThrowUnlessConflict(created.Error);
            }
        }

        throw new InvalidOperationException($"Order {orderId} kept changing under {MaxAttempts} attempts to update it.");
    }

    private static void ThrowUnlessConflict(Exception error)
    {
        if (error is not (NatsKVWrongLastRevisionException or NatsKVCreateException))
        {
            throw error;
        }
    }

    private static string Key(Guid orderId) => orderId.ToString("D");

    private static byte[] Serialize(OrderView view) => JsonSerializer.SerializeToUtf8Bytes(view, OrderStateJsonContext.Default.OrderView);

    private static OrderView Deserialize(byte[] data)
        => JsonSerializer.Deserialize(data, OrderStateJsonContext.Default.OrderView) ?? throw new InvalidOperationException("Empty order view.");
}
