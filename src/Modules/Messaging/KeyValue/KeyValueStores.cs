using System.Collections.Concurrent;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging.KeyValue;

/// <summary>The provisioned buckets as one identity reaches them (over its own connection when it has one).</summary>
internal sealed class KeyValueStores(string identity, NatsConnections connections, TopologyProvisioner topology, NatsOptions options, MessagingMetrics metrics)
    : IKeyValueStores, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, INatsKVStore> _stores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IKeyLookup>> _lookups = new(StringComparer.Ordinal);
    private volatile bool _disposed;

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

    public async ValueTask<IKeyLookup> GetLookupAsync(string bucket, CancellationToken cancellationToken)
    {
        if (_lookups.TryGetValue(bucket, out var lookup))
        {
            return lookup.Value;
        }

        var store = await GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _lookups.GetOrAdd(bucket, _ => new Lazy<IKeyLookup>(() => CreateLookup(bucket, store))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var lookup in _lookups.Values.Where(l => l.IsValueCreated).Select(l => l.Value).OfType<IAsyncDisposable>())
        {
            await lookup.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IKeyLookup CreateLookup(string bucket, INatsKVStore store)
    {
        if (!options.BatchKeyLookups)
        {
            return new SingleKeyLookup(store);
        }

        var jetStream = connections.JetStream(identity);
        return new BatchedKeyLookup(jetStream.Connection, jetStream.Opts.Prefix, bucket, options.RequestTimeout, keys => metrics.KeysLookedUp(bucket, keys));
    }
}
