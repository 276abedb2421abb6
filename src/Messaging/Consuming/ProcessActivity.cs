namespace OrderHost.Messaging.Consuming;

/// <summary>
/// How many messages this process is handling, across all its consumers, and since when none.
/// On shutdown a consumer keeps pulling until the whole process has been idle for a moment: a
/// handler of another consumer that is still finishing may publish an event this one must take.
/// </summary>
internal sealed class ProcessActivity(TimeProvider timeProvider)
{
    private int _inFlight;
    private long _idleSince = timeProvider.GetTimestamp();

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        Interlocked.Exchange(ref _idleSince, timeProvider.GetTimestamp());
        Interlocked.Decrement(ref _inFlight);
    }

    public bool IdleFor(TimeSpan quiet)
        => Volatile.Read(ref _inFlight) == 0 && timeProvider.GetElapsedTime(Interlocked.Read(ref _idleSince)) >= quiet;
}
