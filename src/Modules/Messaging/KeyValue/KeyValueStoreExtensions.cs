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
}
