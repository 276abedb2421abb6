namespace OrderHost.Host.Admin;

/// <summary>A property, not a constructor parameter, for the same reason as <see cref="ConsumerReplayRequest"/>.</summary>
internal sealed record ConsumerPauseRequest
{
    public DateTimeOffset? PauseUntil { get; init; }
}

internal sealed record ConsumerPauseResponse(string Consumer, bool Paused, DateTimeOffset? PauseUntil);
