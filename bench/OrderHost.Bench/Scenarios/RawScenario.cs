using System.Threading.Channels;
using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;
using OrderHost.Messaging;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The raw ceiling: the order flow's shape with no business logic, on a stream of its own.
/// <c>bench.created.{id}</c> → durable pull consumer (<c>bench.created.*</c>) republishes to <c>bench.paid.{id}</c> → durable
/// consumer republishes to <c>bench.notified.{id}</c> → durable consumer acks. Per-order subjects as the host's ledger has them,
/// so that a ratio to this row measures the guarantees and the host, not the subject layout. Every publish carries a
/// Nats-Msg-Id and is pipelined; a relay acks its message once the republish is acknowledged.
/// The relays and the sink share one connection (as the host's modules do); the publisher has its own.
/// Guarded (raw-guarded), the relay makes every broker call of the pipeline's guarantees as well (<see cref="GuardedRelay"/>):
/// the pipeline's orders/s over that row is what the host itself costs.
/// </summary>
internal sealed class RawScenario(BenchContext context, bool guarded, string? syncInterval) : IScenario
{
    public const string StreamName = "BENCH";

    // The host's consumer defaults, so the ratio measures the business logic, not consumer settings.
    public static readonly int PullBatch = HostSettings.Consumers.PullBatch;
    public static readonly int MaxAckPending = HostSettings.Consumers.MaxAckPending;

    // Step subjects: each order's message goes to {step}.{orderId}, its history is bench.*.{orderId}.
    internal const string CreatedSubject = "bench.created";
    internal const string PaidSubject = "bench.paid";
    internal const string NotifiedSubject = "bench.notified";

    public string Name => guarded ? ScenarioNames.RawGuarded : ScenarioNames.Raw;

    /// <summary>The relay's step subjects, in the order of the flow (for the per-hop analysis).</summary>
    public static (string Created, string Paid, string Notified) Subjects => (CreatedSubject, PaidSubject, NotifiedSubject);

    public string SyncInterval => Measure.SyncLabel(context, syncInterval);

    public async Task<IReadOnlyList<RunResult>> RunAsync(int run, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var label = Measure.Label(Name, run, options.Runs);
        await using var env = await BenchEnvironment.CreateAsync(context, syncInterval, withHost: false, 0, cancellationToken).ConfigureAwait(false);
        await using var relay = await RelayRig.StartAsync(env, guarded, options, cancellationToken).ConfigureAwait(false);
        await relay.WarmUpAsync(env, guarded, options, cancellationToken).ConfigureAwait(false);

        var orders = options.Orders;
        var tracker = new CompletionTracker(orders);
        relay.Tracker = tracker;
        var counters = new PublishCounters();
        var before = relay.Counts;
        var phase = await MeasuredPhase.RunAsync(
            env,
            StreamName,
            label,
            first => $"published {counters.Sent,6}/{orders} acked {counters.Acked,6} completed {tracker.Completed,6} {Measure.Rate(tracker.Completed, first)}",
            _ => PublishPipelinedAsync(env.JetStream, guarded, orders, options.Window, tracker, counters, cancellationToken),
            tracker,
            () => orders,
            relay.Loops,
            options.CompletionTimeout,
            cancellationToken).ConfigureAwait(false);
        var metrics = await phase.WithHopsAsync(
            relay.Metrics(orders, tracker, phase.First, phase.Usage, phase.Settle, before), env.JetStream, Subjects, cancellationToken).ConfigureAwait(false);
        var incomplete = phase.Incomplete;
        return [new RunResult(Name, run, env.SyncInterval, metrics, incomplete)];
    }

    /// <summary>Both relays and the sink, consuming until <paramref name="stopping"/> is cancelled.</summary>
    internal static Task[] StartRelays(NatsJSContext relayJs, SinkTarget sink, BenchOptions options, CancellationToken stopping) =>
    [
        RelayAsync(relayJs, "bench-payments", PaidSubject, "paid", options.Window, options.RawDoubleAck, stopping),
        RelayAsync(relayJs, "bench-notifications", NotifiedSubject, "notified", options.Window, options.RawDoubleAck, stopping),
        SinkAsync(relayJs, sink, options.RawDoubleAck, stopping),
    ];

    /// <summary>
    /// The first event of order <paramref name="i"/> on its own subject, with its message id and correlation header;
    /// <paramref name="guarded"/>: appended only while the order has no history, as the host's intake appends it.
    /// </summary>
    internal static OutgoingMessage CreatedMessage(Guid id, int i, bool guarded) => new(
        LedgerSubjects.For(CreatedSubject, id),
        OrderFactory.Encode(OrderFactory.Created(id, i)),
        MessageIds.For(id, "created"),
        new NatsHeaders { [MessageHeaders.CorrelationId] = id.ToString("D") },
        guarded ? AppendCondition.First(HistoryOf(id.ToString("D"))) : null);

    /// <summary>Every event of one order: the filter of its conditional appends and leader reads.</summary>
    internal static string HistoryOf(string orderId) => "bench.*." + orderId;

    internal static Task PublishPipelinedAsync(INatsJSContext js, bool guarded, int count, int window, CompletionTracker tracker, PublishCounters counters, CancellationToken cancellationToken)
        => PipelinedPublisher.RunOrdersAsync(js, count, window, (id, i) => CreatedMessage(id, i, guarded), tracker, counters, cancellationToken);

    /// <summary>The raw relay's durable consumers: one per hop, each on one step (every order's subject of it).</summary>
    internal static readonly (string Durable, string[] Filters)[] RelayConsumers =
    [
        ("bench-payments", [LedgerSubjects.StepFilter(CreatedSubject)]),
        ("bench-notifications", [LedgerSubjects.StepFilter(PaidSubject)]),
        ("bench-sink", [LedgerSubjects.StepFilter(NotifiedSubject)]),
    ];

    internal static Task CreateTopologyAsync(NatsJSContext js, CancellationToken cancellationToken)
        => CreateTopologyAsync(js, RelayConsumers, cancellationToken);

    internal static async Task CreateTopologyAsync(NatsJSContext js, IEnumerable<(string Durable, string[] Filters)> consumers, CancellationToken cancellationToken)
    {
        try
        {
            await js.DeleteStreamAsync(StreamName, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            // Fresh server: nothing to delete.
        }

        await js.CreateStreamAsync(new StreamConfig(StreamName, ["bench.>"])
        {
            Storage = StreamConfigStorage.File,
            Retention = StreamConfigRetention.Limits,
            Discard = StreamConfigDiscard.Old,
            DuplicateWindow = TimeSpan.FromMinutes(2),
            MaxBytes = 2L * 1024 * 1024 * 1024,
            NumReplicas = 1,
        }, cancellationToken).ConfigureAwait(false);

        foreach (var (durable, filters) in consumers)
        {
            await js.CreateOrUpdateConsumerAsync(StreamName, new ConsumerConfig(durable)
            {
                FilterSubjects = filters,
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                DeliverPolicy = ConsumerConfigDeliverPolicy.All,
                AckWait = TimeSpan.FromSeconds(30),
                MaxDeliver = 5,
                MaxAckPending = MaxAckPending,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Consumes, republishes each message to the order's next subject (pipelined), acks each once its republish is acknowledged.</summary>
    private static async Task RelayAsync(NatsJSContext js, string durable, string nextSubject, string step, int window, bool doubleAck, CancellationToken cancellationToken)
    {
        var consumer = await js.GetConsumerAsync(StreamName, durable, cancellationToken).ConfigureAwait(false);
        var pending = Channel.CreateBounded<(NatsJSPublishConcurrentFuture Future, INatsJSMsg<byte[]> Msg)>(
            new BoundedChannelOptions(window) { SingleReader = true, SingleWriter = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var acker = AckInOrderAsync(pending.Reader, doubleAck, cts);
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, new NatsJSConsumeOpts { MaxMsgs = PullBatch }, cts.Token).ConfigureAwait(false))
            {
                var correlation = CorrelationOf(msg);
                var future = await js.PublishConcurrentAsync(
                    nextSubject + "." + correlation,
                    msg.Data,
                    NatsRawSerializer<byte[]>.Default,
                    new NatsJSPubOpts { MsgId = correlation + ":" + step },
                    new NatsHeaders { [MessageHeaders.CorrelationId] = correlation },
                    cts.Token).ConfigureAwait(false);
                await pending.Writer.WriteAsync((future, msg), cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || acker.IsFaulted)
        {
            // Stopped, or the acker failed (reported below).
        }
        finally
        {
            pending.Writer.TryComplete();
        }

        try
        {
            await acker.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private static async Task AckInOrderAsync(
        ChannelReader<(NatsJSPublishConcurrentFuture Future, INatsJSMsg<byte[]> Msg)> reader, bool doubleAck, CancellationTokenSource cts)
    {
        try
        {
            await foreach (var (pending, msg) in reader.ReadAllAsync(cts.Token).ConfigureAwait(false))
            {
                await using var future = pending;
                var ack = await future.GetResponseAsync(cts.Token).ConfigureAwait(false);
                if (ack.Error is { } error)
                {
                    throw new InvalidOperationException($"JetStream rejected a relay publish: {error.Code}/{error.ErrCode} {error.Description}");
                }

                await msg.AckAsync(new AckOpts { DoubleAck = doubleAck }, cts.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            while (reader.TryRead(out var leftover))
            {
                await leftover.Future.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>The last hop: ack, then mark the order complete.</summary>
    private static async Task SinkAsync(NatsJSContext js, SinkTarget sink, bool doubleAck, CancellationToken cancellationToken)
    {
        var consumer = await js.GetConsumerAsync(StreamName, "bench-sink", cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, new NatsJSConsumeOpts { MaxMsgs = PullBatch }, cancellationToken).ConfigureAwait(false))
            {
                await msg.AckAsync(new AckOpts { DoubleAck = doubleAck }, cancellationToken).ConfigureAwait(false);
                sink.Tracker?.End(Guid.Parse(CorrelationOf(msg)), Stopwatch.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    internal static string CorrelationOf(INatsJSMsg<byte[]> msg)
        => msg.Headers is { } headers && headers.TryGetLastValue(MessageHeaders.CorrelationId, out var value) && value is not null
            ? value
            : throw new InvalidOperationException($"A message on {msg.Subject} has no {MessageHeaders.CorrelationId} header.");

    internal sealed class SinkTarget
    {
        private CompletionTracker? _tracker;

        public CompletionTracker? Tracker
        {
            get => Volatile.Read(ref _tracker);
            set => Volatile.Write(ref _tracker, value);
        }
    }
}
