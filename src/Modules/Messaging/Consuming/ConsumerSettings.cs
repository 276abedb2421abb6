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
