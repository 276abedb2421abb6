namespace OrderHost.Messaging.Connections;

/// <summary>
/// Completes a task each time a connection is (re)established. A request sent on the socket before is
/// answered, if at all, to a socket that is gone: whoever waits for that answer can send again at once.
/// </summary>
public sealed class ReconnectSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next (re)connect after it was read.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Follows <paramref name="connection"/>'s opened events (the first connect and every reconnect).</summary>
    public static ReconnectSignal For(NatsConnection connection)
    {
        var signal = new ReconnectSignal();
        connection.ConnectionOpened += (_, _) =>
        {
            signal.Reconnected();
            return ValueTask.CompletedTask;
        };
        return signal;
    }

    internal void Reconnected()
        => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
