using NATS.Client.KeyValueStore;

namespace OrderHost.Messaging.KeyValue;

/// <summary>Provisioned key-value buckets by name.</summary>
public interface IKeyValueStores
{
    ValueTask<INatsKVStore> GetAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>Reads of the bucket's keys: batched with other handlers' reads unless <c>Nats:BatchKeyLookups</c> is false.</summary>
    ValueTask<IKeyLookup> GetLookupAsync(string bucket, CancellationToken cancellationToken);
}
