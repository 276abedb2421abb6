using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// Latency at fixed rates, open loop: each POST /orders goes out on its schedule whether or not
/// earlier ones were answered. Latency from the 202 to the observed orders.notified (HdrHistogram),
/// and the POST latency measured from the scheduled send time (free of coordinated omission).
/// Each rate gets a fresh server and host.
/// </summary>
internal sealed class RatesScenario(BenchContext context, string? syncInterval) : PerRateScenario(context, syncInterval)
{
    // Open loop, but not unbounded: past this many POSTs in flight sends wait (and show as send lag).
    private const int MaxInFlight = 4096;

    public override string Name => ScenarioNames.Rates;

    protected override async Task<RunResult> RunRateAsync(int run, int rate, string name, CancellationToken cancellationToken)
    {
        var options = Context.Options;
        var label = Measure.Label(name, run, options.Runs);
        await using var rig = await HttpRig.StartAsync(Context, ServerSyncInterval, MaxInFlight, options.RateOrders, cancellationToken).ConfigureAwait(false);
        var (orders, tracker, failures, http) = (rig.Orders, rig.Tracker, rig.Failures, rig.Http);
        var fromSchedule = new long[orders];
        var bodies = Enumerable.Range(0, orders).Select(OrderFactory.HttpBody).ToArray();
        using var inFlight = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var loop = new OpenLoop(rate, orders);
        long maxLag = 0;
        long lastSend = 0;
        long lastAccepted = 0;

        var phase = await rig.MeasureAsync(
            label,
            _ => $"sent {loop.Sent,6}/{orders} accepted {tracker.Started,6} failed {failures.Count} notified {tracker.Completed,6}",
            first => loop.RunAsync(first, SendAsync, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var first = phase.First;
        var metrics = rig.Metrics(phase, lastAccepted, fromSchedule) with
        {
            TargetRate = rate,
            SendRate = lastSend > first && orders > 1 ? Math.Round((orders - 1) / Measure.Seconds(lastSend - first), 1) : null,
            MaxSendLagMs = Math.Round(Measure.Seconds(maxLag) * 1000, 3),
        };
        metrics = await rig.WithHopsAsync(phase, metrics, cancellationToken).ConfigureAwait(false);
        return new RunResult(name, run, rig.SyncInterval, metrics, rig.Failure(phase));

        async Task SendAsync(int i, long scheduled)
        {
            await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var start = Stopwatch.GetTimestamp();
                HttpScenario.InterlockedMax(ref maxLag, start - scheduled);
                HttpScenario.InterlockedMax(ref lastSend, start);
                var outcome = await OrderPoster.PostAsync(http, bodies[i], cancellationToken).ConfigureAwait(false);
                var done = Stopwatch.GetTimestamp();
                if (outcome.OrderId is { } id)
                {
                    tracker.Start(id, done);
                    fromSchedule[i] = done - scheduled;
                    HttpScenario.InterlockedMax(ref lastAccepted, done);
                }
                else
                {
                    failures.Add(outcome);
                }
            }
            finally
            {
                inFlight.Release();
            }
        }
    }
}
