using System.Collections.Concurrent;

namespace OrderHost.Payments.Infrastructure;

/// <summary>
/// First answer per key, kept for about the last <c>capacity</c> keys: two generations, the older
/// dropped whole when the newer fills, so memory stays bounded without per-entry bookkeeping.
/// </summary>
internal sealed class RecentAnswers<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Lock _rotate = new();
    private ConcurrentDictionary<TKey, TValue> _current = new();
    private ConcurrentDictionary<TKey, TValue> _previous = new();

    public TValue GetOrAdd<TArg>(TKey key, TArg argument, Func<TArg, TValue> create)
    {
        if (_current.TryGetValue(key, out var value) || _previous.TryGetValue(key, out value))
        {
            return value;
        }

        var current = _current;
        value = current.GetOrAdd(key, static (_, state) => state.create(state.argument), (create, argument));
        if (current.Count >= capacity)
        {
            lock (_rotate)
            {
                if (ReferenceEquals(current, _current))
                {
                    _previous = current;
                    _current = new ConcurrentDictionary<TKey, TValue>();
                }
            }
        }

        return value;
    }
}
