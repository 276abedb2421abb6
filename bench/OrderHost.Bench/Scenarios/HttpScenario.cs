using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// POST /orders through Kestrel from <c>--concurrency</c> closed-loop HttpClient workers: accepted/s
/// with the POST latency, then end-to-end completion (every accepted order reaches orders.notified).
/// </summary>
internal sealed class HttpScenario(BenchContext context, string? syncInterval) : IScenario
{
    public string Name => ScenarioNames.Http;

    public string SyncInterval => Measure.SyncLabel(context, syncInterval);

    public async Task<IReadOnlyList<RunResult>> RunAsync(int run, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var label = Measure.Label(Name, run, options.Runs);
        await using var rig = await HttpRig.StartAsync(context, syncInterval, options.Concurrency, options.HttpOrders, cancellationToken).ConfigureAwait(false);
        var (orders, tracker, failures) = (rig.Orders, rig.Tracker, rig.Failures);
        var postTicks = new long[orders];
        long lastAccepted = 0;
        var phase = await rig.MeasureAsync(
            label,
            first => $"accepted {tracker.Started,6}/{orders} failed {failures.Count} notified {tracker.Completed,6} {Measure.Rate(tracker.Completed, first)}",
            _ => ClosedLoopAsync(rig.Http, orders, options.Concurrency, (i, sent, outcome, done) =>
            {
                if (outcome.OrderId is { } id)
                {
                    tracker.Start(id, done);
                    postTicks[i] = done - sent;
                    InterlockedMax(ref lastAccepted, done);
                }
                else
                {
                    failures.Add(outcome);
                }
            }, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var metrics = await rig.WithHopsAsync(phase, rig.Metrics(phase, lastAccepted, postTicks), cancellationToken).ConfigureAwait(false);
        return [new RunResult(Name, run, rig.SyncInterval, metrics, rig.Failure(phase))];
    }

    /// <summary>Closed-loop warm-up over HTTP (JIT, connection pool, Kestrel), awaited until every consumer is idle.</summary>
    internal static async Task WarmUpAsync(BenchEnvironment env, NotifiedObserver observer, BenchOptions options, Task[] watched, CancellationToken cancellationToken)
    {
        if (options.Warmup == 0)
        {
            return;
        }

        var warm = new CompletionTracker(options.Warmup);
        observer.Tracker = warm;
        var failures = new PostFailures();
        await ClosedLoopAsync(env.Http!, options.Warmup, options.Concurrency, (_, _, outcome, done) =>
        {
            if (outcome.OrderId is { } id)
            {
                warm.Start(id, done);
            }
            else
            {
                failures.Add(outcome);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (failures.Describe() is { } problem)
        {
            throw new InvalidOperationException($"warm-up: {problem}");
        }

        await Measure.WarmedUpAsync(warm, warm.Started, options.CompletionTimeout, watched, env.JetStream, BenchHost.StreamName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="workers"/> loops that each POST the next order as soon as their previous one was answered.</summary>
    private static Task ClosedLoopAsync(HttpClient http, int count, int workers, Action<int, long, PostOutcome, long> onAnswer, CancellationToken cancellationToken)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, Math.Min(workers, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var body = OrderFactory.HttpBody(i);
                var sent = Stopwatch.GetTimestamp();
                var outcome = await OrderPoster.PostAsync(http, body, cancellationToken).ConfigureAwait(false);
                onAnswer(i, sent, outcome, Stopwatch.GetTimestamp());
            }
        }, cancellationToken)));
    }

    internal static void InterlockedMax(ref long target, long value)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref target);
        }
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen);
    }
}
