using NATS.Client.KeyValueStore;

namespace OrderHost.Messaging.KeyValue;

/// <summary>One direct get per key: the lookup when batching is switched off (<c>Nats:BatchKeyLookups</c>).</summary>
public sealed class SingleKeyLookup(INatsKVStore store) : IKeyLookup
{
    public async Task<KeyRecord?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var entry = await store.FindEntryAsync(key, cancellationToken).ConfigureAwait(false);
        return entry is { } found ? new KeyRecord(key, found.Value ?? [], found.Revision) : null;
    }

    public async Task<IReadOnlyDictionary<string, KeyRecord>> FindManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(keys.Distinct(StringComparer.Ordinal).Select(key => FindAsync(key, cancellationToken))).ConfigureAwait(false);
        return found.OfType<KeyRecord>().ToDictionary(record => record.Key, StringComparer.Ordinal);
    }
}
