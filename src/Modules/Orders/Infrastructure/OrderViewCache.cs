using System.Collections.Concurrent;

namespace OrderHost.Orders.Infrastructure;

/// <summary>
/// The last view this process wrote for recent orders, with its bucket revision, so the next event
/// of an order can be written by compare-and-set without reading it first. A stale entry (another
/// process wrote meanwhile) only costs a failed CAS and a read; it is never trusted blindly.
/// </summary>
internal sealed class OrderViewCache(int capacity = 50_000)
{
    private readonly ConcurrentDictionary<Guid, (OrderView View, ulong Revision)> _entries = new();
    private readonly ConcurrentQueue<Guid> _insertionOrder = new();

    public bool TryGet(Guid orderId, out OrderView view, out ulong revision)
    {
        if (_entries.TryGetValue(orderId, out var entry))
        {
            (view, revision) = entry;
            return true;
        }

        (view, revision) = (null!, 0);
        return false;
    }

    public void Set(Guid orderId, OrderView view, ulong revision)
    {
        var added = !_entries.ContainsKey(orderId);
        _entries[orderId] = (view, revision);
        if (added)
        {
            _insertionOrder.Enqueue(orderId);
            while (_entries.Count > capacity && _insertionOrder.TryDequeue(out var oldest))
            {
                _entries.TryRemove(oldest, out _);
            }
        }
    }

    public void Forget(Guid orderId) => _entries.TryRemove(orderId, out _);
}
