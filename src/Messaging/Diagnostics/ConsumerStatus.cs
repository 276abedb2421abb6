namespace OrderHost.Messaging.Diagnostics;

/// <summary>One consume loop: is it pulling, and how far behind is its durable consumer.</summary>
public sealed class ConsumerStatus(string name)
{
    private long _pending;
    private long _ackPending;
    private long _redelivered;
    private double _oldestUnsettledSeconds;
    private long _restarts;

    public string Name { get; } = name;

    public bool Running { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Times the consume loop went down and was restarted since the process started.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    public long Pending => Interlocked.Read(ref _pending);

    public long AckPending => Interlocked.Read(ref _ackPending);

    /// <summary>Messages delivered more than once and not yet acknowledged: being retried.</summary>
    public long Redelivered => Interlocked.Read(ref _redelivered);

    /// <summary>Age of the oldest message delivered and not yet acknowledged (0 when none).</summary>
    public double OldestUnsettledSeconds => Volatile.Read(ref _oldestUnsettledSeconds);

    internal void MarkRunning()
    {
        Running = true;
        LastError = null;
    }

    internal void MarkDown(string error)
    {
        Running = false;
        LastError = error;
        Interlocked.Increment(ref _restarts);
    }

    internal void MarkStopped() => Running = false;

    internal void Observe(ulong pending, ulong ackPending, ulong redelivered, TimeSpan oldestUnsettled)
    {
        Interlocked.Exchange(ref _pending, (long)pending);
        Interlocked.Exchange(ref _ackPending, (long)ackPending);
        Interlocked.Exchange(ref _redelivered, (long)redelivered);
        Volatile.Write(ref _oldestUnsettledSeconds, oldestUnsettled.TotalSeconds);
    }
}
