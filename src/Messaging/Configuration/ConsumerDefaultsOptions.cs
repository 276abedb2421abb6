namespace OrderHost.Messaging.Configuration;

/// <summary>Defaults every subscription starts from; a subscription may override any of them.</summary>
public sealed class ConsumerDefaultsOptions
{
    /// <summary>
    /// Deliveries before a message that keeps failing is dead-lettered; -1 (the default): never — a transient
    /// failure (a receiver or gateway that is down) is retried until it succeeds, and only poison is dead-lettered.
    /// </summary>
    public int MaxDeliver { get; set; } = -1;

    /// <summary>How long the server waits for an ack before redelivering.</summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A fixed schedule of delays before each redelivery after a transient failure; the last entry repeats.
    /// Empty (the default): exponential back-off from 1 s, doubling up to <see cref="MaxRetryDelay"/>, with jitter.
    /// </summary>
    public TimeSpan[] NakDelays { get; set; } = [];

    /// <summary>The longest wait between two attempts of the exponential back-off.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

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
