using NATS.Client.KeyValueStore;

namespace OrderHost.Messaging.KeyValue;

public static class KeyValueStoreExtensions
{
    /// <summary>
    /// The entry, or null when the key does not exist. Any other failure (no leader during an
    /// election, a timeout) throws: "cannot tell" must never be read as "no record", or an
    /// idempotency check would let a side effect happen twice.
    /// </summary>
    public static async ValueTask<NatsKVEntry<byte[]>?> FindEntryAsync(this INatsKVStore store, string key, CancellationToken cancellationToken)
    {
        var result = await store.TryGetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Success)
        {
            return result.Value;
        }

        return result.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException ? null : throw result.Error;
    }

    /// <summary>
    /// Writes the key unless it exists: its revision when this write created it, null when another
    /// writer was first. Any other failure throws, for the same reason as <see cref="FindEntryAsync"/>.
    /// </summary>
    public static async ValueTask<ulong?> CreateIfAbsentAsync(this INatsKVStore store, string key, byte[] value, CancellationToken cancellationToken)
    {
        var result = await store.TryCreateAsync(key, value, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Success)
        {
            return result.Value;
        }

        return result.Error is NatsKVCreateException ? null : throw result.Error;
    }

    /// <summary>Replaces the entry at <paramref name="revision"/>; false when it changed since (another writer was first).</summary>
    public static async ValueTask<bool> UpdateIfUnchangedAsync(this INatsKVStore store, string key, byte[] value, ulong revision, CancellationToken cancellationToken)
    {
        var result = await store.TryUpdateAsync(key, value, revision, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Success || (result.Error is NatsKVWrongLastRevisionException ? false : throw result.Error);
    }
}
