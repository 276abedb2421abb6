namespace OrderHost.Messaging.Diagnostics;

/// <summary>One consume loop: is it pulling, and how far behind is its durable consumer.</summary>
public sealed class ConsumerStatus(string name)
{
    private long _pending;
    private long _ackPending;

    public string Name { get; } = name;

    public bool Running { get; private set; }

    public string? LastError { get; private set; }

    public long Pending => Interlocked.Read(ref _pending);

    public long AckPending => Interlocked.Read(ref _ackPending);

    internal void MarkRunning()
    {
        Running = true;
        LastError = null;
    }

    internal void MarkDown(string error)
    {
        Running = false;
        LastError = error;
    }

    internal void MarkStopped() => Running = false;

    internal void Observe(ulong pending, ulong ackPending)
    {
        Interlocked.Exchange(ref _pending, (long)pending);
        Interlocked.Exchange(ref _ackPending, (long)ackPending);
    }
}
