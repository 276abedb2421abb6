namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>
/// A durable consumer of the stream: the server's figures (what every process sharing it sees) and, when
/// this process runs its consume loop, the loop's own state.
/// </summary>
internal sealed record ConsumerRow(
    string Name,
    string? Module,
    bool RunsHere,
    ulong Pending,
    long AckPending,
    long Redelivered,
    ulong DeliveredSequence,
    ulong AckFloorSequence,
    bool Paused,
    TimeSpan? PauseRemaining,
    LocalLoop? Loop);

/// <summary>This process's consume loop of a consumer.</summary>
internal sealed record LocalLoop(bool Running, string? LastError, long Restarts);
