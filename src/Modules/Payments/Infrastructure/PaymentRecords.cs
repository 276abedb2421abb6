using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Payments.Infrastructure;

/// <summary>The <c>payments</c> bucket: one create-only record per order, so an order is charged once.</summary>
internal sealed class PaymentRecords([FromKeyedServices(PaymentsModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "payments";

    public async Task<PaymentRecord?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var entry = await store.TryGetEntryAsync<byte[]>(Key(orderId), serializer: NATS.Client.Core.NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success && entry.Value.Value is { } data
            ? JsonSerializer.Deserialize(data, PaymentRecordsJsonContext.Default.PaymentRecord)
            : null;
    }

    /// <summary>Stores the record unless one exists; returns the record that stands and whether it is this one.</summary>
    public async Task<(PaymentRecord Record, bool Created)> CreateOrGetAsync(Guid orderId, PaymentRecord record, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var data = JsonSerializer.SerializeToUtf8Bytes(record, PaymentRecordsJsonContext.Default.PaymentRecord);
        var created = await store.TryCreateAsync(Key(orderId), data, serializer: NATS.Client.Core.NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (created.Success)
        {
            return (record, true);
        }

        if (created.Error is not NatsKVCreateException)
        {
            throw created.Error;
        }

        var existing = await FindAsync(orderId, cancellationToken).ConfigureAwait(false);
        return (existing ?? throw new InvalidOperationException($"Payment record of {orderId} exists but cannot be read."), false);
    }

    private static string Key(Guid orderId) => orderId.ToString("D");
}
