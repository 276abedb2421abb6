using NATS.Client.KeyValueStore;

namespace OrderHost.Messaging.KeyValue;

/// <summary>Provisioned key-value buckets by name.</summary>
public interface IKeyValueStores
{
    ValueTask<INatsKVStore> GetAsync(string bucket, CancellationToken cancellationToken);
}
