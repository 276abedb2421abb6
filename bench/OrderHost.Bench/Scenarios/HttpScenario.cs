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
        var fromSequence = await HopAnalyzer.LastSequenceAsync(env.JetStream, BenchHost.StreamName, cancellationToken).ConfigureAwait(false);
        Measure.SettleMemory();
        var seenBefore = observer.Seen;
        await using var meter = await ResourceMeter.StartAsync(env, cancellationToken).ConfigureAwait(false);
        var first = Stopwatch.GetTimestamp();
        long lastAccepted = 0;
        string? incomplete;
        TimeSpan? settle;
        await using (new ProgressReporter(label, () => $"accepted {tracker.Started,6}/{orders} failed {failures.Count} notified {tracker.Completed,6} {Measure.Rate(tracker.Completed, first)}"))
        {
            await ClosedLoopAsync(http, orders, options.Concurrency, (i, sent, outcome, done) =>
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
            }, cancellationToken).ConfigureAwait(false);
            (incomplete, settle) = await Measure.CompleteAsync(tracker, tracker.Started, options.CompletionTimeout, watched, env.JetStream, BenchHost.StreamName, cancellationToken).ConfigureAwait(false);
        }

        var usage = await meter.StopAsync().ConfigureAwait(false);
        var accepted = tracker.Started;
        var metrics = Measure.Metrics(orders, tracker, first, usage, settle, observer.Seen - seenBefore) with
        {
            Accepted = accepted,
            NotAccepted = failures.Count,
            AcceptedPerS = lastAccepted > first ? Math.Round(accepted / Measure.Seconds(lastAccepted - first), 1) : null,
            Post = LatencySummary.FromTicks(postTicks.Where(t => t > 0)),
        };
        metrics = await Measure.WithHopsAsync(metrics, env.JetStream, BenchHost.StreamName, fromSequence, Measure.OrderSubjects, cancellationToken).ConfigureAwait(false);
        var failure = failures.Describe() ?? incomplete;
        return [new RunResult(Name, run, env.SyncInterval, metrics, failure)];
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
