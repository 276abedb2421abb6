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

    public TimeSpan NakDelayFor(ulong deliveryCount)
    {
        if (NakDelays.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var index = (int)Math.Min(Math.Max(deliveryCount, 1) - 1, (ulong)(NakDelays.Length - 1));
        return NakDelays[index];
    }
}
