using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Orders.Infrastructure;

/// <summary>The <c>idempotency-keys</c> bucket: create-only, expiring after the configured lifetime.</summary>
internal sealed class IdempotencyRecords([FromKeyedServices(OrdersModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "idempotency-keys";

    /// <summary>Stores <paramref name="candidate"/> unless the key is known; returns what stands and its revision.</summary>
    public async Task<(IdempotencyRecord Record, ulong Revision, bool Created)> CreateOrGetAsync(
        string idempotencyKey, IdempotencyRecord candidate, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var key = Key(idempotencyKey);
        if (await store.CreateIfAbsentAsync(key, Serialize(candidate), cancellationToken).ConfigureAwait(false) is { } revision)
        {
            return (candidate, revision, true);
        }

        var entry = await store.GetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        var existing = JsonSerializer.Deserialize(entry.Value ?? [], OrderStateJsonContext.Default.IdempotencyRecord)
            ?? throw new InvalidOperationException("Empty idempotency record.");
        return (existing, entry.Revision, false);
    }

    /// <summary>Records that the order is in the stream; losing the race to another request is fine.</summary>
    public async Task MarkPublishedAsync(string idempotencyKey, IdempotencyRecord record, ulong revision, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        await store.UpdateIfUnchangedAsync(Key(idempotencyKey), Serialize(record with { Published = true }), revision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Bucket keys allow few characters; a hash maps any visible-ASCII key onto them.</summary>
    private static string Key(string idempotencyKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(idempotencyKey)));

    private static byte[] Serialize(IdempotencyRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, OrderStateJsonContext.Default.IdempotencyRecord);
}
