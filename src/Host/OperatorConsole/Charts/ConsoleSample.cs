namespace OrderHost.Host.OperatorConsole.Charts;

/// <summary>One reading for the overview's charts: each consumer's lag (pending + unacknowledged) and orders stored in the minute before.</summary>
internal sealed record ConsoleSample(DateTimeOffset At, IReadOnlyDictionary<string, long> Lag, ulong? OrdersLastMinute);
