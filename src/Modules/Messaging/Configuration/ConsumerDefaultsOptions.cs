namespace OrderHost.Messaging.Configuration;

/// <summary>Defaults every subscription starts from; a subscription may override any of them.</summary>
public sealed class ConsumerDefaultsOptions
{
    /// <summary>Deliveries before a failing message is dead-lettered.</summary>
    public int MaxDeliver { get; set; } = 5;

    /// <summary>How long the server waits for an ack before redelivering.</summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Used when <see cref="NakDelays"/> is not configured.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultNakDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    /// <summary>
    /// Delay before each redelivery after a transient failure; the last entry repeats. Empty means
    /// <see cref="DefaultNakDelays"/>: the configuration binder appends to a pre-filled array instead of replacing it.
    /// </summary>
    public TimeSpan[] NakDelays { get; set; } = [];

    /// <summary>Messages handled at once per consumer in this process.</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>Messages the client buffers per consumer (pull batch).</summary>
    public int PullBatch { get; set; } = 128;

    /// <summary>Unacknowledged messages the server allows per consumer across all processes.</summary>
    public int MaxAckPending { get; set; } = 1000;

    /// <summary>Longest one handler may run before it is cancelled and retried; unset: two thirds of <see cref="AckWait"/>.</summary>
    public TimeSpan? HandlerTimeout { get; set; }

    /// <summary>Wait for the server to confirm each ack (double ack).</summary>
    public bool DoubleAck { get; set; } = true;

    /// <summary>How often consumer lag (num_pending, ack pending) is read from the server.</summary>
    public TimeSpan LagInterval { get; set; } = TimeSpan.FromSeconds(5);
}
