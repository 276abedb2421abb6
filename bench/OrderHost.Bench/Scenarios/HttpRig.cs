using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// What the HTTP scenarios share: a fresh server and host, the observer of orders.notified, the HTTP warm-up, and for
/// the measured phase its tracker, its refused POSTs and what the POSTs add to the metrics.
/// </summary>
internal sealed class HttpRig : IAsyncDisposable
{
    private readonly BenchEnvironment _env;
    private readonly NotifiedObserver _observer;
    private readonly BenchOptions _options;
    private int _seenBefore;

    private HttpRig(BenchEnvironment env, NotifiedObserver observer, BenchOptions options, int orders)
    {
        _env = env;
        _observer = observer;
        _options = options;
        Tracker = new CompletionTracker(orders);
        Orders = orders;
    }

    public HttpClient Http => _env.Http!;

    public int Orders { get; }

    public CompletionTracker Tracker { get; }

    public PostFailures Failures { get; } = new();

    /// <summary>Starts server, host and observer with <paramref name="maxHttpConnections"/>, warms up over HTTP, and tracks <paramref name="orders"/> from then on.</summary>
    public static async Task<HttpRig> StartAsync(BenchContext context, string? syncInterval, int maxHttpConnections, int orders, CancellationToken cancellationToken)
    {
        var env = await BenchEnvironment.CreateAsync(context, syncInterval, withHost: true, maxHttpConnections, cancellationToken).ConfigureAwait(false);
        NotifiedObserver? observer = null;
        try
        {
            observer = await NotifiedObserver.StartAsync(env.JetStream, cancellationToken).ConfigureAwait(false);
            await HttpScenario.WarmUpAsync(env, observer, context.Options, [observer.Loop], cancellationToken).ConfigureAwait(false);
            var rig = new HttpRig(env, observer, context.Options, orders);
            observer.Tracker = rig.Tracker;
            return rig;
        }
        catch
        {
            if (observer is not null)
            {
                await observer.DisposeAsync().ConfigureAwait(false);
            }

            await env.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string SyncInterval => _env.SyncInterval;

    /// <summary>The measured phase: <paramref name="drive"/> sends; it ends when every accepted order completed.</summary>
    public Task<MeasuredPhase> MeasureAsync(string label, Func<long, string> progress, Func<long, Task> drive, CancellationToken cancellationToken)
    {
        _seenBefore = _observer.Seen;
        return MeasuredPhase.RunAsync(
            _env, BenchHost.StreamName, label, progress, drive, Tracker, () => Tracker.Started, [_observer.Loop], _options.CompletionTimeout, cancellationToken);
    }

    /// <summary>The phase's metrics with what the POSTs add: accepted and refused orders, accepted/s, POST latency.</summary>
    public RunMetrics Metrics(MeasuredPhase phase, long lastAccepted, long[] postTicks)
    {
        var accepted = Tracker.Started;
        return Measure.Metrics(Orders, Tracker, phase.First, phase.Usage, phase.Settle, _observer.Seen - _seenBefore) with
        {
            Accepted = accepted,
            NotAccepted = Failures.Count,
            AcceptedPerS = lastAccepted > phase.First ? Math.Round(accepted / Measure.Seconds(lastAccepted - phase.First), 1) : null,
            Post = LatencySummary.FromTicks(postTicks.Where(t => t > 0)),
        };
    }

    public Task<RunMetrics> WithHopsAsync(MeasuredPhase phase, RunMetrics metrics, CancellationToken cancellationToken)
        => phase.WithHopsAsync(metrics, _env.JetStream, Measure.OrderSubjects, cancellationToken);

    /// <summary>The run's failure: refused POSTs first, else an incomplete phase; null when all went through.</summary>
    public string? Failure(MeasuredPhase phase) => Failures.Describe() ?? phase.Incomplete;

    public async ValueTask DisposeAsync()
    {
        await _observer.DisposeAsync().ConfigureAwait(false);
        await _env.DisposeAsync().ConfigureAwait(false);
    }
}
