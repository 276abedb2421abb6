using System.Text.Json.Serialization;
using OrderHost.Bench.Measurement;

namespace OrderHost.Bench.Reporting;

/// <summary>What one run of one scenario measured (rates: one run of one rate).</summary>
internal sealed record RunMetrics
{
    public int Orders { get; init; }

    public int Completed { get; init; }

    /// <summary>HTTP: orders answered 202.</summary>
    public int? Accepted { get; init; }

    /// <summary>HTTP: requests answered with anything but 202 (or not at all).</summary>
    public int? NotAccepted { get; init; }

    /// <summary>First send to the last order's completion.</summary>
    public double DurationS { get; init; }

    /// <summary>Completed orders per second, first send to last completion.</summary>
    public double? OrdersPerS { get; init; }

    /// <summary>HTTP: 202s per second, first send to last 202.</summary>
    public double? AcceptedPerS { get; init; }

    public int? TargetRate { get; init; }

    /// <summary>Rates: the send rate actually achieved.</summary>
    public double? SendRate { get; init; }

    /// <summary>Rates: the largest delay of a send behind its schedule.</summary>
    public double? MaxSendLagMs { get; init; }

    /// <summary>Start (publish, or the 202 for HTTP) to the last hop observed.</summary>
    public LatencySummary? EndToEnd { get; init; }

    /// <summary>HTTP: the POST until its 202; rates: from the scheduled send time until the 202.</summary>
    public LatencySummary? Post { get; init; }

    [JsonPropertyName("cpu_s_per_1k_orders")]
    public double CpuSPer1kOrders { get; init; }

    [JsonPropertyName("server_cpu_s_per_1k_orders")]
    public double? ServerCpuSPer1kOrders { get; init; }

    /// <summary>Messages the server received from clients per order (publishes, acks, API and KV requests).</summary>
    public double? ServerMsgsInPerOrder { get; init; }

    /// <summary>Messages the server sent to clients per order (deliveries, replies).</summary>
    public double? ServerMsgsOutPerOrder { get; init; }

    /// <summary>Of <see cref="ServerMsgsOutPerOrder"/>, the deliveries to the benchmark's own observer of the last step (not the system's work).</summary>
    public double? ObserverMsgsPerOrder { get; init; }

    /// <summary>nats-server's peak resident set (VmRSS) during the measured phase, sampled every 50 ms.</summary>
    public double? ServerPeakRssMb { get; init; }

    /// <summary>Growth rows: finished orders stored in ORDERS before the host started.</summary>
    public int? PrefilledOrders { get; init; }

    /// <summary>Growth rows: how long storing them took (pipelined publishes, not measured otherwise).</summary>
    public double? PrefillS { get; init; }

    /// <summary>Growth rows: the stream's size right after the prefill.</summary>
    public double? PrefillStreamMb { get; init; }

    /// <summary>Growth rows: nats-server's resident set right after the prefill, before the host started.</summary>
    public double? ServerRssAfterPrefillMb { get; init; }

    public double PeakWorkingSetMb { get; init; }

    public double AllocBytesPerOrder { get; init; }

    /// <summary><c>--host-process</c>: CPU time of the host process alone during the measured phase.</summary>
    [JsonPropertyName("host_process_cpu_s_per_1k_orders")]
    public double? HostProcessCpuSPer1kOrders { get; init; }

    /// <summary><c>--host-process</c>: the host process's peak resident set (VmRSS, sampled every 50 ms).</summary>
    public double? HostProcessPeakWorkingSetMb { get; init; }

    /// <summary><c>--host-process</c>: lines the host wrote (stdout + stderr, its shipped logging) per order.</summary>
    public double? HostProcessLogLinesPerOrder { get; init; }

    /// <summary><c>--host-process</c>: bytes the host wrote (stdout + stderr) per order.</summary>
    public double? HostProcessLogBytesPerOrder { get; init; }

    /// <summary>Machine-wide busy cores during the measured phase (/proc/stat), of <see cref="MachineInfo.Cores"/>.</summary>
    public double? MachineBusyCores { get; init; }

    /// <summary>
    /// From the last order's completion until every durable consumer had nothing pending or unacknowledged
    /// (the read-model projection trails at full speed). The measured phase, CPU included, ends only then.
    /// </summary>
    public double? SettleMs { get; init; }

    /// <summary>Busy cores not accounted to this process, the server or the host process: other processes (a shared machine) and unattributed kernel work.</summary>
    public double? OtherCores { get; init; }

    /// <summary>Most thread-pool threads seen during the measured phase (sampled every 50 ms).</summary>
    public int ThreadPoolThreads { get; init; }

    public int Gen0 { get; init; }

    public int Gen1 { get; init; }

    public int Gen2 { get; init; }

    public int DuplicateCompletions { get; init; }

    /// <summary>Guarded relay: handler calls that failed (no answer in time, say) and were nak'd for redelivery, as the host would.</summary>
    public int? RelayRedeliveries { get; init; }

    /// <summary>Per hop, from the stream's store timestamps (read back after the measured phase).</summary>
    public HopLatencies? Hops { get; init; }

    public static RunMetrics Median(IReadOnlyList<RunMetrics> runs) => new()
    {
        Orders = (int)Med(runs, r => r.Orders)!.Value,
        Completed = (int)Med(runs, r => r.Completed)!.Value,
        Accepted = (int?)Med(runs, r => r.Accepted),
        NotAccepted = (int?)Med(runs, r => r.NotAccepted),
        DurationS = Med(runs, r => r.DurationS)!.Value,
        OrdersPerS = Med(runs, r => r.OrdersPerS),
        AcceptedPerS = Med(runs, r => r.AcceptedPerS),
        TargetRate = runs[0].TargetRate,
        SendRate = Med(runs, r => r.SendRate),
        MaxSendLagMs = Med(runs, r => r.MaxSendLagMs),
        EndToEnd = MedLatency(runs.Select(r => r.EndToEnd)),
        Post = MedLatency(runs.Select(r => r.Post)),
        CpuSPer1kOrders = Med(runs, r => r.CpuSPer1kOrders)!.Value,
        ServerCpuSPer1kOrders = Med(runs, r => r.ServerCpuSPer1kOrders),
        ServerMsgsInPerOrder = Med(runs, r => r.ServerMsgsInPerOrder),
        ServerMsgsOutPerOrder = Med(runs, r => r.ServerMsgsOutPerOrder),
        ObserverMsgsPerOrder = Med(runs, r => r.ObserverMsgsPerOrder),
        ServerPeakRssMb = Med(runs, r => r.ServerPeakRssMb),
        PrefilledOrders = runs[0].PrefilledOrders,
        PrefillS = Med(runs, r => r.PrefillS),
        PrefillStreamMb = Med(runs, r => r.PrefillStreamMb),
        ServerRssAfterPrefillMb = Med(runs, r => r.ServerRssAfterPrefillMb),
        PeakWorkingSetMb = Med(runs, r => r.PeakWorkingSetMb)!.Value,
        AllocBytesPerOrder = Med(runs, r => r.AllocBytesPerOrder)!.Value,
        HostProcessCpuSPer1kOrders = Med(runs, r => r.HostProcessCpuSPer1kOrders),
        HostProcessPeakWorkingSetMb = Med(runs, r => r.HostProcessPeakWorkingSetMb),
        HostProcessLogLinesPerOrder = Med(runs, r => r.HostProcessLogLinesPerOrder),
        HostProcessLogBytesPerOrder = Med(runs, r => r.HostProcessLogBytesPerOrder),
        ThreadPoolThreads = (int)Med(runs, r => r.ThreadPoolThreads)!.Value,
        MachineBusyCores = Med(runs, r => r.MachineBusyCores),
        SettleMs = Med(runs, r => r.SettleMs),
        OtherCores = Med(runs, r => r.OtherCores),
        Gen0 = (int)Med(runs, r => r.Gen0)!.Value,
        Gen1 = (int)Med(runs, r => r.Gen1)!.Value,
        Gen2 = (int)Med(runs, r => r.Gen2)!.Value,
        DuplicateCompletions = (int)Med(runs, r => r.DuplicateCompletions)!.Value,
        RelayRedeliveries = (int?)Med(runs, r => r.RelayRedeliveries),
        Hops = runs.Any(r => r.Hops is not null)
            ? new HopLatencies(MedLatency(runs.Select(r => r.Hops?.CreatedToPaid)), MedLatency(runs.Select(r => r.Hops?.PaidToNotified)))
            : null,
    };

    private static LatencySummary? MedLatency(IEnumerable<LatencySummary?> summaries)
    {
        var present = summaries.OfType<LatencySummary>().ToList();
        return present.Count == 0 ? null : new LatencySummary(
            (long)Median(present.Select(s => (double)s.Count)),
            Median(present.Select(s => s.P50Ms)),
            Median(present.Select(s => s.P90Ms)),
            Median(present.Select(s => s.P99Ms)),
            Median(present.Select(s => s.P999Ms)),
            Median(present.Select(s => s.MaxMs)),
            Median(present.Select(s => s.MeanMs)));
    }

    private static double? Med(IReadOnlyList<RunMetrics> runs, Func<RunMetrics, double?> select)
    {
        var values = runs.Select(select).OfType<double>().ToList();
        return values.Count == 0 ? null : Median(values);
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : Math.Round((sorted[mid - 1] + sorted[mid]) / 2, 3);
    }
}

internal sealed record RunResult(string Scenario, int Run, string SyncInterval, RunMetrics? Metrics, string? Failure);

/// <summary>One row of the report: a scenario (or one rate of the rates scenario) over all its runs.</summary>
internal sealed record ScenarioReport(
    string Name,
    string Scenario,
    string SyncInterval,
    int Runs,
    int FailedRuns,
    RunMetrics? Median,
    double? OrdersPerSMin,
    double? OrdersPerSMax,
    double? OrdersPerSToRaw,
    double? AcceptedPerSToRaw,
    double? OrdersPerSToRawGuarded,
    IReadOnlyList<RunResult> RunResults);

internal sealed record MachineInfo(
    int Cores,
    string Cpu,
    string Os,
    string Architecture,
    string Dotnet,
    bool ServerGc,
    bool ConcurrentGc,
    string GcLatencyMode,
    bool TieredPgo,
    string ThreadPoolSpinLimit,
    string CallCountingDelayMs,
    string NatsClient);

/// <summary>
/// <c>--host-process</c>: how the host ran. <see cref="NotMeasured"/> names what cannot be read from outside its
/// process (the per-run fields for it stay null).
/// </summary>
internal sealed record HostProcessInfo(string Dll, bool ServerGc, bool ConcurrentGc, string Logging, IReadOnlyList<string> NotMeasured);

internal sealed record ServerInfo(string Version, string? Binary, string? ExternalUrl, string Storage, int Replicas);

internal sealed record BenchSettings(
    string Mode,
    int Runs,
    double WarmupS,
    IReadOnlyList<string> Scenarios,
    int Orders,
    IReadOnlyList<int> Growth,
    int HttpOrders,
    int RateOrders,
    IReadOnlyList<int> Rates,
    int Concurrency,
    int PublishWindow,
    int Warmup,
    double CompletionTimeoutS,
    IReadOnlyList<string> SyncIntervals,
    int OrderCreatedPayloadBytes,
    int HttpBodyBytes,
    RawRelaySettings Raw);

internal sealed record RawRelaySettings(string Stream, int PullBatch, int RepublishWindow, int MaxAckPending, bool DoubleAck, IReadOnlyList<string> GuardedWithout, bool GuardedDoubleAck);

internal sealed record BenchReport(
    DateTimeOffset StartedAt,
    double WallS,
    IReadOnlyList<string> Arguments,
    MachineInfo Machine,
    ServerInfo Nats,

    /// <summary>"in-process" (the host inside the benchmark process) or "process" (<c>--host-process</c>).</summary>
    string HostMode,
    HostProcessInfo? HostProcess,
    BenchSettings Settings,
    IReadOnlyList<ScenarioReport> Scenarios,
    IReadOnlyList<string> Failures,
    IReadOnlyList<string> Notes);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
