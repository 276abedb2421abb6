using NATS.Client.KeyValueStore;
using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// A running relay on the BENCH stream, on a connection of its own: the raw relay (republish and
/// ack, no business logic) or the guarded one (<see cref="GuardedRelay"/>: the broker calls of the
/// pipeline's guarantees). Completions go to <see cref="Tracker"/>; disposing stops it.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private static readonly (string Durable, string[] Filters)[] GuardedConsumers =
    [
        (GuardedRelay.PaymentsDurable, [RawScenario.CreatedSubject]),
        (GuardedRelay.NotificationsDurable, [RawScenario.PaidSubject]),
        (GuardedRelay.ProjectionDurable, [RawScenario.CreatedSubject, RawScenario.PaidSubject, RawScenario.NotifiedSubject]),
    ];

    private readonly NatsConnection _connection;
    private readonly CancellationTokenSource _stop;
    private readonly RawScenario.SinkTarget _sink;

    private RelayRig(NatsConnection connection, CancellationTokenSource stop, RawScenario.SinkTarget sink, Task[] loops)
    {
        _connection = connection;
        _stop = stop;
        _sink = sink;
        Loops = loops;
    }

    /// <summary>End only on failure or disposal: watch them while waiting for completions.</summary>
    public Task[] Loops { get; }

    public CompletionTracker? Tracker
    {
        get => _sink.Tracker;
        set => _sink.Tracker = value;
    }

    public static async Task<RelayRig> StartAsync(BenchEnvironment env, bool guarded, BenchOptions options, CancellationToken cancellationToken)
    {
        var omitted = options.GuardedWithout;
        var consumers = guarded
            ? GuardedConsumers.Where(c => c.Durable != GuardedRelay.ProjectionDurable || !omitted.HasFlag(GuardedParts.Projection))
            : RawScenario.RelayConsumers;
        await RawScenario.CreateTopologyAsync(env.JetStream, consumers, cancellationToken).ConfigureAwait(false);
        var connection = BenchEnvironment.NewConnection(env.Url, guarded ? "orderhost-bench-guarded-relay" : "orderhost-bench-relay");
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var js = new NatsJSContext(connection);
            var sink = new RawScenario.SinkTarget();
            Task[] loops;
            if (guarded)
            {
                var stores = await GuardedRelay.CreateStoresAsync(new NatsKVContext(js), cancellationToken).ConfigureAwait(false);
                var defaults = HostConsumerSettings.Current;
                var relay = new GuardedRelay(js, stores, defaults.MaxConcurrency, defaults.PullBatch, omitted);
                var observer = await StartObserverAsync(env.JetStream, sink, stop.Token).ConfigureAwait(false);
                loops = [.. relay.Start(stop.Token), observer];
            }
            else
            {
                loops = RawScenario.StartRelays(js, sink, options, stop.Token);
            }

            return new RelayRig(connection, stop, sink, loops);
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
        _stop.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The guarded relay's completions: <c>bench.notified</c> seen by an ordered consumer, as the pipeline's observer sees orders.notified.</summary>
    private static async Task<Task> StartObserverAsync(NatsJSContext js, RawScenario.SinkTarget sink, CancellationToken stopping)
    {
        var stream = await js.GetStreamAsync(RawScenario.StreamName, cancellationToken: stopping).ConfigureAwait(false);
        var consumer = await js.CreateOrderedConsumerAsync(
            RawScenario.StreamName,
            new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [RawScenario.NotifiedSubject],
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = stream.Info.State.LastSeq + 1,
            },
            stopping).ConfigureAwait(false);
        return ObserveAsync(consumer, sink, stopping);
    }

    private static async Task ObserveAsync(INatsJSConsumer consumer, RawScenario.SinkTarget sink, CancellationToken stopping)
    {
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: stopping).ConfigureAwait(false))
            {
                var at = Stopwatch.GetTimestamp();
                sink.Tracker?.End(Guid.Parse(RawScenario.CorrelationOf(msg)), at);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
