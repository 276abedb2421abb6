using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// A running relay on the BENCH stream, on a connection of its own: the raw relay (republish and
/// ack, no business logic) or the guarded one (<see cref="GuardedRelay"/>: the broker calls of the
/// pipeline's guarantees). Completions go to <see cref="Tracker"/>; disposing stops it.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    // As the host: nothing consumes the last step; the benchmark's observer sees it.
    private static readonly (string Durable, string[] Filters)[] GuardedConsumers =
    [
        (GuardedRelay.PaymentsDurable, [LedgerSubjects.StepFilter(RawScenario.CreatedSubject)]),
        (GuardedRelay.NotificationsDurable, [LedgerSubjects.StepFilter(RawScenario.PaidSubject)]),
    ];

    private readonly NatsConnection _connection;
    private readonly CancellationTokenSource _stop;
    private readonly RawScenario.SinkTarget _sink;
    private readonly NotifiedObserver? _observer;

    private RelayRig(NatsConnection connection, CancellationTokenSource stop, RawScenario.SinkTarget sink, NotifiedObserver? observer, RelayFailures? failures, Task[] loops)
    {
        _connection = connection;
        _stop = stop;
        _sink = sink;
        _observer = observer;
        Failures = failures;
        Loops = loops;
    }

    /// <summary>The guarded relay's handler calls that failed and were redelivered; null for the raw relay (it fails the run instead).</summary>
    public RelayFailures? Failures { get; }

    /// <summary>End only on failure or disposal: watch them while waiting for completions.</summary>
    public Task[] Loops { get; }

    /// <summary>What the rig has counted so far (observed completions, failed handler calls), to take a measured phase's share at its end.</summary>
    public (int Seen, int Failed) Counts => (_observer?.Seen ?? 0, Failures?.Count ?? 0);

    /// <summary>Where completions go: the raw relay's sink, or (guarded) the observer of <c>bench.notified.*</c>.</summary>
    public CompletionTracker? Tracker
    {
        get => _observer is null ? _sink.Tracker : _observer.Tracker;
        set
        {
            if (_observer is null)
            {
                _sink.Tracker = value;
            }
            else
            {
                _observer.Tracker = value;
            }
        }
    }

    /// <summary>A measured phase's metrics, with the rig's own counts since <paramref name="before"/> (<see cref="Counts"/>).</summary>
    public RunMetrics Metrics(int orders, CompletionTracker tracker, long firstSend, ResourceUsage usage, TimeSpan? settle, (int Seen, int Failed) before)
    {
        var failed = Counts.Failed - before.Failed;
        if (failed > 0)
        {
            Console.Error.WriteLine($"bench:   raw-guarded: {failed} handler call(s) failed and were redelivered after a nak, as the host would (first: {Failures!.First})");
        }

        return Measure.Metrics(orders, tracker, firstSend, usage, settle, _observer is null ? null : Counts.Seen - before.Seen) with
        {
            RelayRedeliveries = Failures is null ? null : failed,
        };
    }

    public static async Task<RelayRig> StartAsync(BenchEnvironment env, bool guarded, BenchOptions options, CancellationToken cancellationToken)
    {
        await RawScenario.CreateTopologyAsync(env.JetStream, guarded ? GuardedConsumers : RawScenario.RelayConsumers, cancellationToken).ConfigureAwait(false);
        var connection = BenchEnvironment.NewConnection(env.Url, guarded ? "orderhost-bench-guarded-relay" : "orderhost-bench-relay");
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var js = new NatsJSContext(connection);
            var sink = new RawScenario.SinkTarget();
            if (!guarded)
            {
                return new RelayRig(connection, stop, sink, null, null, RawScenario.StartRelays(js, sink, options, stop.Token));
            }

            var stream = await js.GetStreamAsync(RawScenario.StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
            var relay = GuardedRelay.ForHostSettings(js, stream, options.GuardedWithout);

            // Complete when an ordered consumer sees bench.notified.*, as the pipeline's observer sees orders.notified.*.
            var observer = await NotifiedObserver.StartAsync(env.JetStream, RawScenario.StreamName, RawScenario.NotifiedSubject, stop.Token).ConfigureAwait(false);
            return new RelayRig(connection, stop, sink, observer, relay.Failures, [.. relay.Start(stop.Token), observer.Loop]);
        }
        catch
        {
            stop.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Pushes <see cref="BenchOptions.Warmup"/> orders through the relay (JIT, connections) and waits until its consumers are idle.</summary>
    public async Task WarmUpAsync(BenchEnvironment env, bool guarded, BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.Warmup == 0)
        {
            return;
        }

        var warm = new CompletionTracker(options.Warmup);
        Tracker = warm;
        await RawScenario.PublishPipelinedAsync(env.JetStream, guarded, options.Warmup, options.Window, warm, new PublishCounters(), cancellationToken).ConfigureAwait(false);
        await Measure.WarmedUpAsync(warm, options.Warmup, options.CompletionTimeout, Loops, env.JetStream, RawScenario.StreamName, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(Loops).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        if (_observer is not null)
        {
            // Its loop has ended with the others; a failure of it was reported while the run waited.
            await _observer.DisposeAsync().AsTask().ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        _stop.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
