using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Payments.Infrastructure;

/// <summary>The <c>payments</c> bucket: one create-only record per order, so an order is charged once.</summary>
internal sealed class PaymentRecords([FromKeyedServices(PaymentsModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "payments";

    public async Task<(PaymentRecord Record, ulong Revision)?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var lookup = await stores.GetLookupAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var found = await lookup.FindAsync(Key(orderId), cancellationToken).ConfigureAwait(false);
        return found is not null && JsonSerializer.Deserialize(found.Value, PaymentRecordsJsonContext.Default.PaymentRecord) is { } record
            ? (record, found.Revision)
            : null;
    }

    /// <summary>Stores the record unless one exists; false when another delivery recorded the order first.</summary>
    public async Task<bool> TryCreateAsync(Guid orderId, PaymentRecord record, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        return await store.CreateIfAbsentAsync(Key(orderId), Serialize(record), cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Marks a first-version record once its outcome is in the stream; losing the race to another delivery doing the same is fine.</summary>
    public async Task MarkPublishedAsync(Guid orderId, PaymentRecord record, ulong revision, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        await store.UpdateIfUnchangedAsync(Key(orderId), Serialize(record with { OutcomePublished = true }), revision, cancellationToken).ConfigureAwait(false);
    }

    private static string Key(Guid orderId) => orderId.ToString("D");

    private static byte[] Serialize(PaymentRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, PaymentRecordsJsonContext.Default.PaymentRecord);
}
