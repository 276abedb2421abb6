namespace OrderHost.Host.Admin;

/// <summary>A replay that found nothing to do: the order's history had moved past the dead-lettered step.</summary>
internal sealed record DeadLetterReplayResponse(ulong Sequence, string Result, string Detail);
