using System.Collections.Concurrent;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging.KeyValue;

/// <summary>The provisioned buckets as one identity reaches them (over its own connection when it has one).</summary>
internal sealed class KeyValueStores(string identity, NatsConnections connections, TopologyProvisioner topology) : IKeyValueStores
{
    private readonly ConcurrentDictionary<string, INatsKVStore> _stores = new(StringComparer.Ordinal);

    public async ValueTask<INatsKVStore> GetAsync(string bucket, CancellationToken cancellationToken)
    {
        if (_stores.TryGetValue(bucket, out var store))
        {
            return store;
        }

        await topology.WhenProvisioned(cancellationToken).ConfigureAwait(false);
        if (!topology.IsDeclared(bucket))
        {
            throw new InvalidOperationException($"Key-value bucket '{bucket}' was never declared.");
        }

        store = await connections.KeyValue(identity).GetStoreAsync(bucket, cancellationToken).ConfigureAwait(false);
        return _stores.GetOrAdd(bucket, store);
    }
}
