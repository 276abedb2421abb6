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
        await using var env = await BenchEnvironment.CreateAsync(Context, ServerSyncInterval, withHost: true, MaxInFlight, cancellationToken).ConfigureAwait(false);
        await using var observer = await NotifiedObserver.StartAsync(env.JetStream, cancellationToken).ConfigureAwait(false);
        Task[] watched = [observer.Loop];
        var http = env.Http!;

        await HttpScenario.WarmUpAsync(env, observer, options, watched, cancellationToken).ConfigureAwait(false);

        var orders = options.RateOrders;
        var tracker = new CompletionTracker(orders);
        observer.Tracker = tracker;
        var failures = new PostFailures();
        var fromSchedule = new long[orders];
        var bodies = Enumerable.Range(0, orders).Select(OrderFactory.HttpBody).ToArray();
        using var inFlight = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var loop = new OpenLoop(rate, orders);
        long maxLag = 0;
        long lastSend = 0;
        long lastAccepted = 0;

        var seenBefore = observer.Seen;
        var phase = await MeasuredPhase.RunAsync(
            env,
            BenchHost.StreamName,
            label,
            _ => $"sent {loop.Sent,6}/{orders} accepted {tracker.Started,6} failed {failures.Count} notified {tracker.Completed,6}",
            first => loop.RunAsync(first, SendAsync, cancellationToken),
            tracker,
            () => tracker.Started,
            watched,
            options.CompletionTimeout,
            cancellationToken).ConfigureAwait(false);
        var first = phase.First;
        var metrics = HttpScenario.WithPosts(
            Measure.Metrics(orders, tracker, first, phase.Usage, phase.Settle, observer.Seen - seenBefore), tracker.Started, failures, first, lastAccepted, fromSchedule) with
        {
            TargetRate = rate,
            SendRate = lastSend > first && orders > 1 ? Math.Round((orders - 1) / Measure.Seconds(lastSend - first), 1) : null,
            MaxSendLagMs = Math.Round(Measure.Seconds(maxLag) * 1000, 3),
        };
        metrics = await phase.WithHopsAsync(metrics, env.JetStream, Measure.OrderSubjects, cancellationToken).ConfigureAwait(false);
        return new RunResult(name, run, env.SyncInterval, metrics, failures.Describe() ?? phase.Incomplete);

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
