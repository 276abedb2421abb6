using System.Globalization;
using System.Text;
using System.Text.Json;
using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;

namespace OrderHost.Bench.Reporting;

/// <summary>Groups runs into rows (medians, ratios to raw) and writes the JSON and the Markdown table.</summary>
internal static class ReportWriter
{
    /// <summary>
    /// One row per scenario (per rate, per growth count) and sync interval; ratios are taken to the raw and guarded
    /// relays under the same sync interval.
    /// </summary>
    /// <param name="guardedComplete">False with <c>--guarded-without</c>: the guarded relay then lacks parts, and no ratio is taken to it.</param>
    public static IReadOnlyList<ScenarioReport> Summarize(IReadOnlyList<RunResult> results, int runsPerScenario, bool guardedComplete)
    {
        var rows = results
            .GroupBy(r => (r.Scenario, r.SyncInterval))
            .Select(g =>
            {
                var runs = g.OrderBy(r => r.Run).ToList();
                var good = runs.Where(r => r.Failure is null && r.Metrics is not null).Select(r => r.Metrics!).ToList();
                return new ScenarioReport(
                    g.Key.Scenario,
                    g.Key.Scenario.Split('@')[0],
                    runs[0].SyncInterval,
                    runsPerScenario,
                    runs.Count(r => r.Failure is not null),
                    good.Count > 0 ? RunMetrics.Median(good) : null,
                    good.Select(r => r.OrdersPerS).Min(),
                    good.Select(r => r.OrdersPerS).Max(),
                    null,
                    null,
                    null,
                    runs);
            })
            .ToList();

        return [.. rows.Select(r =>
        {
            var raw = rows.FirstOrDefault(x => x.Name == ScenarioNames.Raw && x.SyncInterval == r.SyncInterval)?.Median?.OrdersPerS;
            var guarded = guardedComplete ? rows.FirstOrDefault(x => x.Name == ScenarioNames.RawGuarded && x.SyncInterval == r.SyncInterval)?.Median?.OrdersPerS : null;
            return r with
            {
                OrdersPerSToRaw = Ratio(r.Median?.OrdersPerS, raw, r),
                AcceptedPerSToRaw = Ratio(r.Median?.AcceptedPerS, raw, r),
                OrdersPerSToRawGuarded = r.Scenario is ScenarioNames.Pipeline or ScenarioNames.Http or ScenarioNames.Growth ? Ratio(r.Median?.OrdersPerS, guarded, r) : null,
            };
        })];
    }

    public static async Task<(string Json, string Markdown)> WriteAsync(BenchReport report, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stamp = report.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var suffix = report.Settings.Mode == "quick" ? "-quick" : string.Empty;
        var json = Path.Combine(directory, $"bench-{stamp}{suffix}.json");
        var markdown = Path.Combine(directory, $"bench-{stamp}{suffix}.md");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, Markdown(report, Path.GetFileName(json)), cancellationToken).ConfigureAwait(false);
        return (json, markdown);
    }

    public static string Markdown(BenchReport report, string jsonName)
    {
        var m = report.Machine;
        var s = report.Settings;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var hostProcess = report.HostProcess is not null;

        // With several sync intervals the same scenario has a row under each: the label says which.
        var severalSyncs = report.Scenarios.Select(r => r.SyncInterval).Distinct().Count() > 1;
        string Label(ScenarioReport row) => severalSyncs ? $"{RowLabel(row)} [{row.SyncInterval}]" : RowLabel(row);
        sb.AppendLine(inv, $"# OrderHost benchmark, {report.StartedAt:yyyy-MM-dd HH:mm} UTC ({s.Mode} mode, {report.WallS:0} s)");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Machine: {m.Cores} cores ({m.Cpu}), {m.Os} {m.Architecture}, {m.Dotnet}; GC {(m.ServerGc ? "server" : "workstation")}, concurrent {OnOff(m.ConcurrentGc)}, latency mode {m.GcLatencyMode}, TieredPGO {OnOff(m.TieredPgo)}, thread-pool spin limit {m.ThreadPoolSpinLimit}, call counting delay (ms) {m.CallCountingDelayMs} (the shipped host's runtime settings)");
        sb.AppendLine(inv, $"- Server: nats-server {report.Nats.Version}, single node on 127.0.0.1, {report.Nats.Storage} storage, R{report.Nats.Replicas}; {(report.Nats.ExternalUrl is null ? "a fresh server and store per run" : "external server " + report.Nats.ExternalUrl + " (stores not fresh)")}; client {m.NatsClient}");
        sb.AppendLine(report.HostProcess is { } h
            ? $"- Host: the shipped {h.Dll} as a separate process (dotnet, its own folder), GC {(h.ServerGc ? "server" : "workstation")}, concurrent {OnOff(h.ConcurrentGc)}; logging: {h.Logging}"
            : "- Host: in the benchmark process (OrderHostApplication.Build, logging at Warning)");
        sb.AppendLine(inv, $"- Payload: OrderCreated {s.OrderCreatedPayloadBytes} B (the raw relay forwards the same bytes on every hop); HTTP body {s.HttpBodyBytes} B");
        sb.AppendLine(inv, $"- Runs: {s.Runs} measured per scenario {(s.WarmupS > 0 ? $"after discarded warm-up runs (repeated until {s.WarmupS:0} s were spent, at least one)" : "with no discarded warm-up run")}, each column the median of the successful runs (orders/s: min–max in brackets); warm-up {s.Warmup} orders per run before measuring; publish window {s.PublishWindow}; HTTP concurrency {s.Concurrency}");
        sb.AppendLine(inv, $"- Raw relay: stream {s.Raw.Stream}, per-order subjects (bench.<step>.<id>, as the ledger's), pull batch {s.Raw.PullBatch}, republish window {s.Raw.RepublishWindow}, MaxAckPending {s.Raw.MaxAckPending}, {(s.Raw.DoubleAck ? "double" : "plain")} acks (the host and raw-guarded: pull batch {HostSettings.Consumers.PullBatch}, {HostSettings.Consumers.MaxConcurrency} handlers per consumer, per hop a leader read, a conditional append and {(s.Raw.GuardedDoubleAck ? "a double ack" : "a plain ack")}){(s.Raw.GuardedWithout.Count > 0 ? $"; raw-guarded WITHOUT {string.Join(", ", s.Raw.GuardedWithout)} (--guarded-without)" : string.Empty)}");
        sb.AppendLine(inv, $"- sync_interval: {string.Join(", ", s.SyncIntervals)}{(s.SyncIntervals.Count > 1 ? " (every scenario under each; ratios to the raw relay under the same setting)" : string.Empty)}");
        sb.AppendLine();
        sb.AppendLine($"| scenario | sync_interval | orders/run | orders/s | × raw | × raw-guarded | accepted/s | e2e p50 ms | e2e p99 ms | e2e p99.9 ms | POST p50 ms | POST p99 ms | CPU s/1k orders (bench) | CPU s/1k orders (nats-server) | peak WS MB | alloc KB/order |{(hostProcess ? " CPU s/1k orders (host process) | peak WS MB (host process) | alloc KB/order (host process) |" : string.Empty)} runs ok |");
        sb.AppendLine($"|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|{(hostProcess ? "--:|--:|--:|" : string.Empty)}--:|");
        foreach (var row in report.Scenarios)
        {
            var x = row.Median;
            var hostCells = hostProcess ? $" {D(x?.HostProcessCpuSPer1kOrders, "0.000")} | {D(x?.HostProcessPeakWorkingSetMb, "0")} | — |" : string.Empty;
            sb.AppendLine(inv, $"| {Label(row)} | {row.SyncInterval} | {N(x?.Orders)} | {N(x?.OrdersPerS)}{Spread(row)} | {Ratio(row.OrdersPerSToRaw)} | {Ratio(row.OrdersPerSToRawGuarded)} | {AcceptedCell(row)} | {Ms(x?.EndToEnd?.P50Ms)} | {Ms(x?.EndToEnd?.P99Ms)} | {Ms(x?.EndToEnd?.P999Ms)} | {Ms(x?.Post?.P50Ms)} | {Ms(x?.Post?.P99Ms)} | {D(x?.CpuSPer1kOrders, "0.000")} | {D(x?.ServerCpuSPer1kOrders, "0.000")} | {D(x?.PeakWorkingSetMb, "0")} | {D(x?.AllocBytesPerOrder / 1024, "0.0")} |{hostCells} {row.Runs - row.FailedRuns}/{row.Runs} |");
        }

        sb.AppendLine();
        sb.AppendLine("Where the time goes: per hop, from the stream's store timestamps (created → paid: consumer pickup + handler + append of the payment event; paid → notified: the same for the notification), the messages nats-server exchanged with clients per order (/varz: publishes, acks, JetStream API requests in; deliveries and replies out; the observer's share is the benchmark's own ordered consumer of the last step, not the system's work), and nats-server's peak resident set:");
        sb.AppendLine();
        sb.AppendLine($"| scenario | created→paid p50 ms | p99 ms | paid→notified p50 ms | p99 ms | server msgs in/order | out/order | of which to the observer | nats-server peak RSS MB | machine busy (cores) | of which other (cores) | consumers idle after ms |{(hostProcess ? " host log lines/order | host log B/order |" : string.Empty)}");
        sb.AppendLine($"|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|{(hostProcess ? "--:|--:|" : string.Empty)}");
        foreach (var row in report.Scenarios.Where(r => r.Median is not null))
        {
            var x = row.Median!;
            var hostCells = hostProcess ? $" {D(x.HostProcessLogLinesPerOrder, "0.0")} | {D(x.HostProcessLogBytesPerOrder, "0")} |" : string.Empty;
            sb.AppendLine(inv, $"| {Label(row)} | {Ms(x.Hops?.CreatedToPaid?.P50Ms)} | {Ms(x.Hops?.CreatedToPaid?.P99Ms)} | {Ms(x.Hops?.PaidToNotified?.P50Ms)} | {Ms(x.Hops?.PaidToNotified?.P99Ms)} | {D(x.ServerMsgsInPerOrder, "0.00")} | {D(x.ServerMsgsOutPerOrder, "0.00")} | {D(x.ObserverMsgsPerOrder, "0.00")} | {D(x.ServerPeakRssMb, "0")} | {D(x.MachineBusyCores, "0.00")} | {D(x.OtherCores, "0.00")} | {D(x.SettleMs, "0")} |{hostCells}");
        }

        AppendGrowth(sb, report, Label);

        sb.AppendLine();
        foreach (var note in report.Notes)
        {
            sb.AppendLine(inv, $"- {note}");
        }

        if (report.Failures.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("**Failures**");
            sb.AppendLine();
            foreach (var failure in report.Failures)
            {
                sb.AppendLine(inv, $"- {failure}");
            }
        }

        sb.AppendLine();
        sb.AppendLine(inv, $"Every run's numbers (p90, max, mean, GC counts, send lag, …): `{jsonName}`. Command: `{string.Join(' ', ["bench/run.sh", .. report.Arguments])}`");
        return sb.ToString();
    }

    /// <summary>
    /// The growth rows beside the pipeline row under the same sync interval (0 orders stored before): the cost per
    /// order should not change with the ledger's size.
    /// </summary>
    private static void AppendGrowth(StringBuilder sb, BenchReport report, Func<ScenarioReport, string> label)
    {
        var growth = report.Scenarios.Where(r => r.Scenario == ScenarioNames.Growth && r.Median is not null).ToList();
        if (growth.Count == 0)
        {
            return;
        }

        var hostProcess = report.HostProcess is not null;
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine();
        sb.AppendLine("Growth: the pipeline with finished orders already in ORDERS (prefilled before the measured host started, its consumers past them), beside the pipeline row of the same invocation and sync interval (none stored). Cost per order should stay flat:");
        sb.AppendLine();
        sb.AppendLine($"| row | orders stored before | prefill s | prefill msgs/s | stream MB after prefill | nats-server RSS after prefill MB | orders/s | × pipeline | e2e p50 ms | e2e p99 ms | CPU s/1k orders (bench) | CPU s/1k orders (nats-server) |{(hostProcess ? " CPU s/1k orders (host process) |" : string.Empty)} server msgs in/order | out/order | nats-server peak RSS MB |");
        sb.AppendLine($"|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|{(hostProcess ? "--:|" : string.Empty)}--:|--:|--:|");
        foreach (var sync in growth.Select(r => r.SyncInterval).Distinct())
        {
            var pipeline = report.Scenarios.FirstOrDefault(r => r.Name == ScenarioNames.Pipeline && r.SyncInterval == sync && r.Median is not null);
            foreach (var row in (pipeline is null ? growth : [pipeline, .. growth]).Where(r => r.SyncInterval == sync))
            {
                var x = row.Median!;
                var stored = x.PrefilledOrders ?? 0;
                var fillRate = x.PrefillS is > 0 ? stored * 3 / x.PrefillS : null;
                var hostCell = hostProcess ? $" {D(x.HostProcessCpuSPer1kOrders, "0.000")} |" : string.Empty;
                var toPipeline = row == pipeline ? null : Ratio(x.OrdersPerS, pipeline?.Median?.OrdersPerS, row);
                sb.AppendLine(inv, $"| {label(row)} | {stored:#,0} | {D(x.PrefillS, "0.0")} | {N(fillRate)} | {D(x.PrefillStreamMb, "0")} | {D(x.ServerRssAfterPrefillMb, "0")} | {N(x.OrdersPerS)}{Spread(row)} | {Ratio(toPipeline)} | {Ms(x.EndToEnd?.P50Ms)} | {Ms(x.EndToEnd?.P99Ms)} | {D(x.CpuSPer1kOrders, "0.000")} | {D(x.ServerCpuSPer1kOrders, "0.000")} |{hostCell} {D(x.ServerMsgsInPerOrder, "0.00")} | {D(x.ServerMsgsOutPerOrder, "0.00")} | {D(x.ServerPeakRssMb, "0")} |");
            }
        }
    }

    /// <summary>
    /// The report's notes; <paramref name="hostProcess"/> (<c>--host-process</c>) changes what the bench figures cover,
    /// <paramref name="growth"/> adds how the growth rows were made.
    /// </summary>
    public static IReadOnlyList<string> Notes(bool hostProcess, bool growth) => [
        "orders/s: completed orders from the first send to the last order's completion (raw: the sink's ack of bench.notified.<id>; raw-guarded: bench.notified.<id> seen by the benchmark's ordered consumer; the others: orders.notified.<id> seen by it). × raw: that figure over the raw relay's median in this same invocation under the same sync_interval.",
        "Subjects: every relay uses per-order subjects as the host's ledger does (bench.<step>.<id>, consumers filtering bench.<step>.*), so the ratios compare guarantees and host, not subject layouts.",
        "raw-guarded: the raw relay plus every broker call the host's handlers make per order, made by bare NATS.Net with the host's consumer settings and no host: the created event appended on the condition that the order has no history (as the HTTP intake does); per relay hop a leader read of the order's last event (STREAM.MSG.GET last_by_subj bench.*.<id>), a conditional append of the next event (Nats-Expected-Last-Subject-Sequence = the delivered message's sequence on bench.*.<id>) and a double ack (as the host's consumers by default); nothing consumes the last step; complete when an ordered consumer sees bench.notified.<id>, as for the pipeline. Its server msgs per order equal the pipeline's. × raw-guarded: the pipeline's (or http's) orders/s over this row's median, what the host costs on top of the broker work its guarantees need.",
        "raw, raw-guarded and pipeline e2e: publish → completion while the publisher runs flat out (window of unacknowledged publishes, no cap on orders in flight): this is queueing at saturation, not service time. For latency at a given load read the rates rows.",
        "http: accepted/s is 202s per second (× raw beside it); POST p50/p99 is the request until its 202; e2e is the 202 → orders.notified.",
        "raw @ N/s (raw-rates): the raw relay driven open loop at the same rates and counts, the latency floor of this machine and server for the rates rows: each order is one awaited publish (as POST waits for the acknowledgement before its 202), e2e runs from that acknowledgement to the sink, POST from the scheduled time to the acknowledgement.",
        "raw-guarded @ N/s (raw-guarded-rates): the same for the guarded relay, the latency floor of this design (three round trips on each relay hop's critical path: leader read, conditional append, then the double ack before the next pull slot frees).",
        "rates: open loop at the target rate (bursts of 1–2 orders per millisecond timer tick); orders/s is the completion rate (≈ the target when the host keeps up), accepted/s the 202 rate; e2e is the 202 → orders.notified (HdrHistogram); POST is measured from each order's scheduled send time, so a stalled send counts in full (no coordinated omission).",
        .. hostProcess
            ? (string[])[
                "--host-process: pipeline, http and rates ran the shipped host (OrderHost.dll) as a separate process with its own runtimeconfig.json (GC as stated above) and appsettings.json (logging at Information, a few lines per order); its stdout and stderr went to pipes that the benchmark drained and discarded (host log lines and bytes per order: second table). Its readiness: every durable consumer exists and /health/ready answers 200, as in-process.",
                "CPU s/1k orders (bench): CPU time of the benchmark process during the measured phase: for pipeline, http and rates the load generator, the observer and the draining of the host's output only (the host is a separate process); for raw and raw-guarded, the publisher, the relays and the sink (raw) or the observer (raw-guarded). host process: that process's CPU time (/proc user + system, delta over the measured phase). nats-server: the server process's CPU time.",
                "peak WS: working set of the benchmark process (the load generator), sampled every 50 ms; alloc: GC.GetTotalAllocatedBytes delta / orders (the load generator). peak WS (host process): its VmRSS (/proc/<pid>/status) sampled on the same 50 ms loop. alloc KB/order (host process): not measurable from outside its process, so — (null in the JSON); the same holds for its GC counts and thread-pool threads, which the JSON figures give for the benchmark process only.",
            ]
            : [
                "CPU s/1k orders (bench): CPU time of the benchmark process during the measured phase. For pipeline, http and rates this includes the in-process host AND the load generator and the observer (one process); for raw and raw-guarded, the publisher, the relays and the sink (raw) or the observer (raw-guarded). nats-server: the server process's CPU time.",
                "peak WS: working set of the benchmark process (host + load generator), sampled every 50 ms; alloc: GC.GetTotalAllocatedBytes delta / orders (host + load generator).",
            ],
        $"machine busy: machine-wide busy cores during the measured phase (/proc/stat); 'of which other' is what neither the benchmark process{(hostProcess ? ", the host process" : string.Empty)} nor its nats-server account for: kernel work not charged to them (loopback networking, disk flushes) and, on a shared machine, other people's processes. A high value means the run was disturbed. /proc/stat is sampled at timer ticks, so at fixed moderate rates (short bursts between idle ticks) it reads low, below the sum of the per-process CPU columns, which are exact: compare it with them only at full speed.",
        "consumers idle after: an order counts as complete when its last event is stored, before the handler that appended it has acked its own message. Each warm-up and each measured phase ends only when every durable consumer has nothing pending or unacknowledged; this column is how long that took after the last completion. The measured CPU and message counts include that work; orders/s and e2e do not wait for it.",
        "sync_interval: how often nats-server fsyncs JetStream writes; 'always' fsyncs before every acknowledgement (durable against a power loss of the machine); each row names the setting its servers ran with.",
        .. growth
            ? (string[])[
                "growth@N: the pipeline after N finished orders (created, paid, notified on their own subjects, no message ids: older than any duplicate window) were stored with pipelined publishes while no host ran (a first host had declared the stream and its consumers, then stopped); the host's durable consumers were then reset past them (nats-server consumer reset), so the measured host never delivers them. No discarded warm-up runs for these rows (each would prefill again): the in-process JIT is warm from the rows before. nats-server RSS: VmRSS right after the prefill and the peak during the measured phase.",
            ]
            : [],
    ];

    private static double? Ratio(double? value, double? raw, ScenarioReport row)
        => row.Name == ScenarioNames.Raw || row.Scenario is ScenarioNames.Rates or ScenarioNames.RawRates or ScenarioNames.RawGuardedRates || value is null || raw is null or 0 ? null : Math.Round(value.Value / raw.Value, 3);

    private static string AcceptedCell(ScenarioReport row)
        => row.Median?.AcceptedPerS is { } a
            ? row.AcceptedPerSToRaw is { } r ? string.Create(CultureInfo.InvariantCulture, $"{a:#,0} ({Ratio(r)})") : N(a)
            : "—";

    private static string RowLabel(ScenarioReport row)
        => (row.Scenario, row.Name.Split('@')) switch
        {
            (ScenarioNames.Rates, [_, var rate]) => $"rates @ {rate}/s",
            (ScenarioNames.RawRates, [_, var rate]) => $"raw @ {rate}/s",
            (ScenarioNames.RawGuardedRates, [_, var rate]) => $"raw-guarded @ {rate}/s",
            (ScenarioNames.Growth, [_, var stored]) => string.Create(CultureInfo.InvariantCulture, $"pipeline, {long.Parse(stored, CultureInfo.InvariantCulture):#,0} stored"),

            // A run that failed before its first rate or prefill is reported under the scenario's own name.
            _ => row.Name,
        };

    private static string Spread(ScenarioReport row)
        => row.Runs > 1 && row.OrdersPerSMin is { } min && row.OrdersPerSMax is { } max
            ? string.Create(CultureInfo.InvariantCulture, $" ({min:#,0}–{max:#,0})")
            : string.Empty;

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string N(double? value) => value is { } v ? v.ToString("#,0", CultureInfo.InvariantCulture) : "—";

    // As the JSON has it (3 decimals): rounding that again to 2 would show 0.2449 as 0.25.
    private static string Ratio(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) + "×" : "—";

    private static string Ms(double? value) => value is { } v ? v.ToString(v >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture) : "—";

    private static string D(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>One line per run for the console; <paramref name="warmup"/> names a discarded run.</summary>
    internal static string Describe(RunResult result, string? warmup = null)
    {
        var m = result.Metrics;
        var what = warmup is null ? $"{result.Scenario} run {result.Run}" : $"{result.Scenario} {warmup} (discarded)";
        if (m is null)
        {
            return $"{what}: FAILED: {result.Failure}";
        }

        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"{what}: {m.Completed}/{m.Orders} orders in {m.DurationS:0.00} s = {m.OrdersPerS:#,0}/s");
        if (m.AcceptedPerS is { } acc)
        {
            text.Append(inv, $", accepted {acc:#,0}/s");
        }

        if (m.EndToEnd is LatencySummary e)
        {
            text.Append(inv, $", e2e p50 {e.P50Ms:0.00} ms p99 {e.P99Ms:0.00} ms");
        }

        if (m.Post is LatencySummary p)
        {
            text.Append(inv, $", POST p50 {p.P50Ms:0.00} ms p99 {p.P99Ms:0.00} ms");
        }

        text.Append(inv, $", CPU {m.CpuSPer1kOrders:0.000} s/1k");
        if (m.HostProcessCpuSPer1kOrders is { } hostCpu)
        {
            text.Append(inv, $" (host process {hostCpu:0.000} s/1k, peak WS {m.HostProcessPeakWorkingSetMb:0} MB)");
        }

        text.Append(inv, $", machine busy {m.MachineBusyCores:0.00} cores (other {m.OtherCores:0.00})");
        if (m.RelayRedeliveries is > 0)
        {
            text.Append(inv, $", {m.RelayRedeliveries} relay call(s) redelivered");
        }

        if (result.Failure is not null)
        {
            text.Append(inv, $" — FAILED: {result.Failure}");
        }

        return text.ToString();
    }

}
