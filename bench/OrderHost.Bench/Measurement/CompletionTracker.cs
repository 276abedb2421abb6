using System.Collections.Concurrent;

namespace OrderHost.Bench.Measurement;

/// <summary>
/// Pairs each order's start (publish, or the 202) with its end (the last hop observed), in either
/// order: over HTTP the notification can be seen before the client has read the 202.
/// Timestamps are <see cref="Stopwatch.GetTimestamp"/> values.
/// </summary>
internal sealed class CompletionTracker
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries;
    private int _started;
    private int _completed;
    private int _duplicateEnds;

    public CompletionTracker(int capacity) => _entries = new ConcurrentDictionary<Guid, Entry>(Environment.ProcessorCount, capacity);

    public int Started => Volatile.Read(ref _started);

    public int Completed => Volatile.Read(ref _completed);

    /// <summary>End marks seen more than once for an order (a redelivered or republished last hop).</summary>
    public int DuplicateEnds => Volatile.Read(ref _duplicateEnds);

    public void Start(Guid orderId, long timestamp)
    {
        var entry = _entries.GetOrAdd(orderId, static _ => new Entry());
        if (Interlocked.CompareExchange(ref entry.Start, timestamp, 0) != 0)
        {
            return;
        }

        Interlocked.Increment(ref _started);
        if (Interlocked.Increment(ref entry.Marks) == 2)
        {
            Interlocked.Increment(ref _completed);
        }
    }

    public void End(Guid orderId, long timestamp)
    {
        var entry = _entries.GetOrAdd(orderId, static _ => new Entry());
        if (Interlocked.CompareExchange(ref entry.End, timestamp, 0) != 0)
        {
            Interlocked.Increment(ref _duplicateEnds);
            return;
        }

        if (Interlocked.Increment(ref entry.Marks) == 2)
        {
            Interlocked.Increment(ref _completed);
        }
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> orders completed; false when the deadline passed first.
    /// Throws when one of the <paramref name="watched"/> background loops ends meanwhile (they only end on failure).
    /// </summary>
    public async Task<bool> WaitForAsync(int expected, TimeSpan timeout, IReadOnlyCollection<Task> watched, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Completed < expected)
        {
            if (watched.FirstOrDefault(t => t.IsCompleted) is { } ended)
            {
                await ended.ConfigureAwait(false);
                throw new InvalidOperationException("A consuming loop of the benchmark stopped while orders were outstanding.");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Start-to-end durations of the completed orders, the latest end, and the started orders that never ended.</summary>
    public (List<long> Durations, long LastEnd, int Unfinished) Collect()
    {
        var durations = new List<long>(_entries.Count);
        long lastEnd = 0;
        var unfinished = 0;
        foreach (var entry in _entries.Values)
        {
            if (entry.Start == 0)
            {
                continue;
            }

            if (entry.End == 0)
            {
                unfinished++;
                continue;
            }

            durations.Add(entry.End - entry.Start);
            lastEnd = Math.Max(lastEnd, entry.End);
        }

        return (durations, lastEnd, unfinished);
    }

    private sealed class Entry
    {
        public long Start;
        public long End;
        public int Marks;
    }
}
