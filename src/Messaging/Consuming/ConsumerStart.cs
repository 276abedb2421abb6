namespace OrderHost.Messaging.Consuming;

/// <summary>
/// Where a durable consumer starts reading the stream. It matters only when the durable is first created: from then on
/// the server remembers its position, so a consumer that was down resumes where it stopped whatever this says.
/// </summary>
public enum ConsumerStart
{
    /// <summary>Every message the stream still holds: what a consumer that must act on every event needs.</summary>
    All,

    /// <summary>Only messages stored after the durable is created: a module added to a running system ignores history.</summary>
    New,

    /// <summary>Messages stored at or after <see cref="ConsumerSettings.StartTime"/>.</summary>
    ByStartTime,
}
