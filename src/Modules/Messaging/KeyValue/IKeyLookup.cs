namespace OrderHost.Messaging.KeyValue;

/// <summary>
/// Reads the current value of keys in one bucket. A missing or deleted key is null (or absent from
/// the result); any failure to tell (no responder, a timeout, a server error) throws, so that "cannot
/// tell" is never read as "no record" by an idempotency check.
/// </summary>
public interface IKeyLookup
{
    Task<KeyRecord?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>The keys that exist, by key; all of them are asked for in one go.</summary>
    Task<IReadOnlyDictionary<string, KeyRecord>> FindManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}
