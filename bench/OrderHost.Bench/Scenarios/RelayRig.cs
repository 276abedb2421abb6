using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
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

    private RelayRig(NatsConnection connection, CancellationTokenSource stop, RawScenario.SinkTarget sink, NotifiedObserver? observer, Task[] loops)
    {
        _connection = connection;
        _stop = stop;
        _sink = sink;
        _observer = observer;
        Loops = loops;
    }

    /// <summary>End only on failure or disposal: watch them while waiting for completions.</summary>
    public Task[] Loops { get; }

    /// <summary>The guarded relay's observer of <c>bench.notified.*</c>; null for the raw relay (its sink completes orders).</summary>
    public NotifiedObserver? Observer => _observer;

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
                return new RelayRig(connection, stop, sink, null, RawScenario.StartRelays(js, sink, options, stop.Token));
            }

            var stream = await js.GetStreamAsync(RawScenario.StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
            var relay = GuardedRelay.ForHostSettings(js, stream, options.GuardedWithout);

            // Complete when an ordered consumer sees bench.notified.*, as the pipeline's observer sees orders.notified.*.
            var observer = await NotifiedObserver.StartAsync(env.JetStream, RawScenario.StreamName, RawScenario.NotifiedSubject, stop.Token).ConfigureAwait(false);
            return new RelayRig(connection, stop, sink, observer, [.. relay.Start(stop.Token), observer.Loop]);
        }
        catch
        {
            stop.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
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
