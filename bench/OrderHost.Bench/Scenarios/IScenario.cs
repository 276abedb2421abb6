using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

internal interface IScenario
{
    string Name { get; }

    /// <summary>The sync_interval its servers run with, as the report states it.</summary>
    string SyncInterval { get; }

    /// <summary>Whether discarded warm-up runs precede the measured ones (not where each run is costly to set up, as a prefill).</summary>
    bool WarmsUpWithDiscardedRuns => true;

    /// <summary>One run on a fresh server (and host); rates gives one result per rate.</summary>
    Task<IReadOnlyList<RunResult>> RunAsync(int run, CancellationToken cancellationToken);
}

internal static class Measure
{
    public static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    public static string SyncLabel(BenchContext context, string? syncInterval)
        => context.Options.NatsUrl is null ? ServerCounters.SyncIntervalLabel(syncInterval) : BenchEnvironment.ExternalSyncLabel;

    public static string Label(string name, int run, int runs)
        => run < 1 ? $"[{name} warm-up]" : FormattableString.Invariant($"[{name} {run}/{runs}]");

    /// <summary>
    /// The common part of every run's metrics: completion throughput, end-to-end latency, resources per order.
    /// <paramref name="observed"/>: messages the benchmark's own observer received in the phase (part of the server's out count).
    /// </summary>
    public static RunMetrics Metrics(int orders, CompletionTracker tracker, long firstSend, ResourceUsage usage, TimeSpan? settle, int? observed = null)
    {
        var (durations, lastEnd, _) = tracker.Collect();
        var seconds = lastEnd > firstSend ? Seconds(lastEnd - firstSend) : 0;
        var perOrder = Math.Max(orders, 1);
        return new RunMetrics
        {
            Orders = orders,
            Completed = durations.Count,
            DurationS = Math.Round(seconds, 3),
            OrdersPerS = seconds > 0 ? Math.Round(durations.Count / seconds, 1) : null,
            EndToEnd = LatencySummary.FromTicks(durations),
            CpuSPer1kOrders = Math.Round(usage.ProcessCpu.TotalSeconds * 1000 / perOrder, 3),
            ServerCpuSPer1kOrders = usage.ServerCpu is { } server ? Math.Round(server.TotalSeconds * 1000 / perOrder, 3) : null,
            ServerMsgsInPerOrder = usage.ServerTraffic is { } traffic ? Math.Round((double)traffic.InMsgs / perOrder, 2) : null,
            ServerMsgsOutPerOrder = usage.ServerTraffic is { } t ? Math.Round((double)t.OutMsgs / perOrder, 2) : null,
            ObserverMsgsPerOrder = usage.ServerTraffic is not null && observed is { } o ? Math.Round((double)o / perOrder, 2) : null,
            ServerPeakRssMb = usage.ServerPeakResidentBytes is { } rss ? Math.Round(rss / (1024.0 * 1024.0), 1) : null,
            PeakWorkingSetMb = Math.Round(usage.PeakWorkingSetBytes / (1024.0 * 1024.0), 1),
            AllocBytesPerOrder = Math.Round((double)usage.AllocatedBytes / perOrder, 0),
            HostProcessCpuSPer1kOrders = usage.Host is { } host ? Math.Round(host.Cpu.TotalSeconds * 1000 / perOrder, 3) : null,
            HostProcessPeakWorkingSetMb = usage.Host is { } h ? Math.Round(h.PeakWorkingSetBytes / (1024.0 * 1024.0), 1) : null,
            HostProcessLogLinesPerOrder = usage.Host is { } lines ? Math.Round((double)lines.OutputLines / perOrder, 2) : null,
            HostProcessLogBytesPerOrder = usage.Host is { } bytes ? Math.Round((double)bytes.OutputBytes / perOrder, 0) : null,
            ThreadPoolThreads = usage.PeakThreadPoolThreads,
            MachineBusyCores = usage.MachineBusyCores is { } busy ? Math.Round(busy, 2) : null,
            SettleMs = settle is { } s ? Math.Round(s.TotalMilliseconds, 1) : null,
            OtherCores = usage.OtherCores is { } other ? Math.Round(other, 2) : null,
            Gen0 = usage.Gen0Collections,
            Gen1 = usage.Gen1Collections,
            Gen2 = usage.Gen2Collections,
            DuplicateCompletions = tracker.DuplicateEnds,
        };
    }

    /// <summary>Adds per-hop latencies read back from the stream; best effort (a failure is reported, not fatal).</summary>
    public static async Task<RunMetrics> WithHopsAsync(
        RunMetrics metrics, INatsJSContext jetStream, string stream, ulong afterSequence, (string Created, string Paid, string Notified) subjects, CancellationToken cancellationToken)
    {
        try
        {
            var hops = await HopAnalyzer.AnalyzeAsync(jetStream, stream, afterSequence, subjects.Created, subjects.Paid, subjects.Notified, cancellationToken).ConfigureAwait(false);
            return metrics with { Hops = hops };
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"bench:   per-hop analysis failed: {ex.Message}").ConfigureAwait(false);
            return metrics;
        }
    }

    /// <summary>A full, compacting collection before a measured phase, so one run's garbage is not the next one's cost.</summary>
    public static void SettleMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>
    /// The end of a measured phase: waits for <paramref name="expected"/> completions, then (when they all came) for
    /// every durable consumer of <paramref name="stream"/> to be idle. The failure, or null, and how long settling took.
    /// </summary>
    public static async Task<(string? Incomplete, TimeSpan? Settle)> CompleteAsync(
        CompletionTracker tracker, int expected, TimeSpan timeout, IReadOnlyCollection<Task> watched, INatsJSContext js, string stream, CancellationToken cancellationToken)
    {
        var incomplete = await tracker.WaitForAsync(expected, timeout, watched, cancellationToken).ConfigureAwait(false)
            ? null
            : IncompleteFailure(expected, tracker, timeout);
        return incomplete is null
            ? (null, await ConsumersIdle.WaitAsync(js, stream, timeout, watched, cancellationToken).ConfigureAwait(false))
            : (incomplete, null);
    }

    /// <summary>The end of a warm-up: as <see cref="CompleteAsync"/>, but an incomplete warm-up fails the run.</summary>
    public static async Task WarmedUpAsync(
        CompletionTracker warm, int expected, TimeSpan timeout, IReadOnlyCollection<Task> watched, INatsJSContext js, string stream, CancellationToken cancellationToken)
    {
        if ((await CompleteAsync(warm, expected, timeout, watched, js, stream, cancellationToken).ConfigureAwait(false)).Incomplete is { } incomplete)
        {
            throw new TimeoutException($"warm-up: {incomplete}");
        }
    }

    public static string? IncompleteFailure(int expected, CompletionTracker tracker, TimeSpan timeout)
        => tracker.Completed >= expected
            ? null
            : FormattableString.Invariant($"only {tracker.Completed} of {expected} orders completed within {timeout.TotalSeconds:0} s after the last send");

    /// <summary>The step subjects of the order flow on ORDERS (each order's message on <c>{step}.{orderId}</c>).</summary>
    public static (string Created, string Paid, string Notified) OrderSubjects
        => (OrderHost.Orders.Contracts.OrderEvents.Created.Subject, OrderHost.Payments.Contracts.PaymentEvents.Succeeded.Subject, OrderHost.Notifications.Contracts.NotificationEvents.Notified.Subject);

    public static string Rate(int done, long since)
    {
        var s = Seconds(Stopwatch.GetTimestamp() - since);
        return s > 0 ? FormattableString.Invariant($"{done / s,8:0}/s") : "";
    }
}
