namespace OrderHost.Messaging.Diagnostics;

/// <summary>One consume loop: is it pulling, and how far behind is its durable consumer.</summary>
public sealed class ConsumerStatus(string name, TimeProvider timeProvider)
{
    private long _pending;
    private long _ackPending;
    private long _redelivered;
    private double _oldestUnsettledSeconds;
    private long _restarts;
    private readonly Lock _gate = new();
    private bool _failed;
    private string? _pausedFor;

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

    /// <summary>
    /// Set when the loop's pulls get no answer (missed heartbeats, no server for the consumer), cleared by the next
    /// message; the client repeats the notice every two heartbeats while it lasts.
    /// </summary>
    public LoopStall? Stall { get; private set; }

    /// <summary>When the loop last started pulling after it had failed; null when it has not failed since it last ran cleanly.</summary>
    public DateTimeOffset? RecoveringSince { get; private set; }

    /// <summary>
    /// Why the loop cannot be counted on now, or null when it can: it is down or restarting, its pulls went
    /// unanswered within <paramref name="stallMemory"/>, or it failed and has not yet run for
    /// <paramref name="stableAfter"/> (a loop that restarts over and over is never counted as running).
    /// </summary>
    public string? Problem(TimeSpan stableAfter, TimeSpan stallMemory)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            if (!Running)
            {
                return _failed ? LastError : _pausedFor ?? "starting";
            }

            if (Stall is { } stall && now - stall.LastSeen < stallMemory)
            {
                return $"{stall.Reason} for {(now - stall.Since).TotalSeconds:0.#} s";
            }

            return RecoveringSince is { } since && now - since < stableAfter
                ? $"restarted after \"{LastError}\", running for {(now - since).TotalSeconds:0.#} s"
                : null;
        }
    }

    internal void MarkRunning()
    {
        lock (_gate)
        {
            Running = true;
            Stall = null;
            _pausedFor = null;
            RecoveringSince = _failed ? timeProvider.GetUtcNow() : RecoveringSince;
            _failed = false;
        }
    }

    internal void MarkDown(string error)
    {
        lock (_gate)
        {
            Running = false;
            LastError = error;
            _failed = true;
            Interlocked.Increment(ref _restarts);
        }
    }

    /// <summary>Between two consume sessions of a healthy loop (a planned restart, settling what was taken): not a failure.</summary>
    internal void MarkPaused(string why)
    {
        lock (_gate)
        {
            Running = false;
            _pausedFor = why;
        }
    }

    internal void MarkStopped() => Running = false;

    internal void MarkStalled(string reason)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            Stall = new LoopStall(reason, Stall?.Since ?? now, now);
        }
    }

    internal void MarkAnswered()
    {
        if (Stall is not null)
        {
            lock (_gate)
            {
                Stall = null;
            }
        }
    }

    internal void Observe(ulong pending, ulong ackPending, ulong redelivered, TimeSpan oldestUnsettled)
    {
        Interlocked.Exchange(ref _pending, (long)pending);
        Interlocked.Exchange(ref _ackPending, (long)ackPending);
        Interlocked.Exchange(ref _redelivered, (long)redelivered);
        Volatile.Write(ref _oldestUnsettledSeconds, oldestUnsettled.TotalSeconds);
    }
}

/// <summary>Why a consume loop gets no answer to its pulls, and since when.</summary>
public sealed record LoopStall(string Reason, DateTimeOffset Since, DateTimeOffset LastSeen);
