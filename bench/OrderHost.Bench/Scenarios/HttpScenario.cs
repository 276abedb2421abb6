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
        await using var env = await BenchEnvironment.CreateAsync(context, syncInterval, withHost: true, options.Concurrency, cancellationToken).ConfigureAwait(false);
        await using var observer = await NotifiedObserver.StartAsync(env.JetStream, cancellationToken).ConfigureAwait(false);
        Task[] watched = [observer.Loop];
        var http = env.Http!;

        await WarmUpAsync(env, observer, options, watched, cancellationToken).ConfigureAwait(false);

        var orders = options.HttpOrders;
        var tracker = new CompletionTracker(orders);
        observer.Tracker = tracker;
        var failures = new PostFailures();
        var postTicks = new long[orders];
        long lastAccepted = 0;
        var seenBefore = observer.Seen;
        var phase = await MeasuredPhase.RunAsync(
            env,
            BenchHost.StreamName,
            label,
            first => $"accepted {tracker.Started,6}/{orders} failed {failures.Count} notified {tracker.Completed,6} {Measure.Rate(tracker.Completed, first)}",
            _ => ClosedLoopAsync(http, orders, options.Concurrency, (i, sent, outcome, done) =>
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
            tracker,
            () => tracker.Started,
            watched,
            options.CompletionTimeout,
            cancellationToken).ConfigureAwait(false);
        var metrics = WithPosts(
            Measure.Metrics(orders, tracker, phase.First, phase.Usage, phase.Settle, observer.Seen - seenBefore), tracker.Started, failures, phase.First, lastAccepted, postTicks);
        metrics = await phase.WithHopsAsync(metrics, env.JetStream, Measure.OrderSubjects, cancellationToken).ConfigureAwait(false);
        return [new RunResult(Name, run, env.SyncInterval, metrics, failures.Describe() ?? phase.Incomplete)];
    }

    /// <summary>What the POSTs of a phase add to its metrics: accepted and refused orders, accepted/s, POST latency.</summary>
    internal static RunMetrics WithPosts(RunMetrics metrics, int accepted, PostFailures failures, long first, long lastAccepted, long[] postTicks) => metrics with
    {
        Accepted = accepted,
        NotAccepted = failures.Count,
        AcceptedPerS = lastAccepted > first ? Math.Round(accepted / Measure.Seconds(lastAccepted - first), 1) : null,
        Post = LatencySummary.FromTicks(postTicks.Where(t => t > 0)),
    };

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
