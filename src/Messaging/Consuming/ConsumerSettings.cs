namespace OrderHost.Messaging.Consuming;

/// <summary>The effective settings of one consumer: defaults, then the module's choices, then configuration.</summary>
public sealed class ConsumerSettings
{
    public int MaxDeliver { get; set; }

    public TimeSpan AckWait { get; set; }

    public TimeSpan[] NakDelays { get; set; } = [];

    public int MaxConcurrency { get; set; }

    public int PullBatch { get; set; }

    public int MaxAckPending { get; set; }

    public bool DoubleAck { get; set; }

    /// <summary>Longest one handler may run before it is cancelled and the message retried; unset: two thirds of <see cref="AckWait"/>.</summary>
    public TimeSpan? HandlerTimeout { get; set; }

    /// <summary>The deadline that applies: shorter than <see cref="AckWait"/>, so a handler ends before the server would redeliver.</summary>
    public TimeSpan EffectiveHandlerTimeout => HandlerTimeout ?? AckWait * 2 / 3;

    /// <summary>How often a message delivered but not settled is reported in progress (+WIP): a third of <see cref="AckWait"/>.</summary>
    public TimeSpan ProgressInterval => AckWait / 3;

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the durable starts when it is first created; the module declares it, never the global defaults.</summary>
    public ConsumerStart Start { get; set; } = ConsumerStart.All;

    /// <summary>The first instant read when <see cref="Start"/> is <see cref="ConsumerStart.ByStartTime"/>.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Dead-letter after this many deliveries; no limit when it is not positive.</summary>
    public bool HasDeliveryLimit => MaxDeliver > 0;

    /// <summary>
    /// The wait before the next attempt after delivery <paramref name="deliveryCount"/> failed: the configured schedule
    /// (its last entry repeating), else 1 s doubling up to <see cref="MaxRetryDelay"/>, each ±20 % so that messages
    /// failing together (an outage) do not all come back at the same instant.
    /// </summary>
    public TimeSpan NakDelayFor(ulong deliveryCount)
    {
        var attempt = Math.Max(deliveryCount, 1);
        if (NakDelays.Length > 0)
        {
            return NakDelays[(int)Math.Min(attempt - 1, (ulong)(NakDelays.Length - 1))];
        }

        var exponential = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(attempt - 1, 30)));
        var capped = exponential < MaxRetryDelay ? exponential : MaxRetryDelay;
        return capped * (0.8 + (0.4 * Random.Shared.NextDouble()));
    }
}
