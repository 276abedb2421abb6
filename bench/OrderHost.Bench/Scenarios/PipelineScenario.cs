using System.Globalization;
using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The real modules in one host; real OrderCreated events (v7 order ids, the proper Nats-Msg-Id) appended
/// straight onto <c>orders.created.{id}</c> by a pipelined publisher, with the condition the host's intake sets
/// (no history yet). An order is complete when its <c>orders.notified.{id}</c> is observed.
/// With <paramref name="prefill"/> orders (a growth row, <c>growth@N</c>), ORDERS holds that many finished
/// orders when the measured host starts (<see cref="LedgerPrefill"/>).
/// </summary>
internal sealed class PipelineScenario(BenchContext context, string? syncInterval, int prefill) : IScenario
{
    public string Name => prefill == 0
        ? ScenarioNames.Pipeline
        : ScenarioNames.Growth + "@" + prefill.ToString(CultureInfo.InvariantCulture);

    public string SyncInterval => Measure.SyncLabel(context, syncInterval);

    public bool WarmsUpWithDiscardedRuns => prefill == 0;

    public async Task<IReadOnlyList<RunResult>> RunAsync(int run, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var label = Measure.Label(Name, run, options.Runs);
        PrefillResult? prefilled = null;
        await using var env = await BenchEnvironment.CreateAsync(
            context,
            syncInterval,
            withHost: true,
            maxHttpConnections: 4,
            cancellationToken,
            prefill == 0 ? null : async (e, ct) => prefilled = await LedgerPrefill.RunAsync(e, prefill, label, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await using var observer = await NotifiedObserver.StartAsync(env.JetStream, cancellationToken).ConfigureAwait(false);
        Task[] watched = [observer.Loop];

        if (options.Warmup > 0)
        {
            var warm = new CompletionTracker(options.Warmup);
            observer.Tracker = warm;
            await PublishAsync(env.JetStream, options.Warmup, warm, new PublishCounters(), cancellationToken).ConfigureAwait(false);
            await Measure.WarmedUpAsync(warm, options.Warmup, options.CompletionTimeout, watched, env.JetStream, BenchHost.StreamName, cancellationToken).ConfigureAwait(false);
        }

        var orders = options.Orders;
        var tracker = new CompletionTracker(orders);
        observer.Tracker = tracker;
        var counters = new PublishCounters();
        var seenBefore = observer.Seen;
        var phase = await MeasuredPhase.RunAsync(
            env,
            BenchHost.StreamName,
            label,
            first => $"published {counters.Sent,6}/{orders} acked {counters.Acked,6} notified {tracker.Completed,6} {Measure.Rate(tracker.Completed, first)}",
            _ => PublishAsync(env.JetStream, orders, tracker, counters, cancellationToken),
            tracker,
            () => orders,
            watched,
            options.CompletionTimeout,
            cancellationToken).ConfigureAwait(false);
        var metrics = Measure.Metrics(orders, tracker, phase.First, phase.Usage, phase.Settle, observer.Seen - seenBefore);
        if (prefilled is { } p)
        {
            metrics = metrics with
            {
                PrefilledOrders = p.Orders,
                PrefillS = Math.Round(p.Seconds, 1),
                PrefillStreamMb = Math.Round(p.Bytes / (1024.0 * 1024.0), 1),
                ServerRssAfterPrefillMb = p.ServerResidentBytes is { } rss ? Math.Round(rss / (1024.0 * 1024.0), 1) : null,
            };
        }

        metrics = await phase.WithHopsAsync(metrics, env.JetStream, Measure.OrderSubjects, cancellationToken).ConfigureAwait(false);
        return [new RunResult(Name, run, env.SyncInterval, metrics, phase.Incomplete)];
    }

    private Task PublishAsync(INatsJSContext js, int count, CompletionTracker tracker, PublishCounters counters, CancellationToken cancellationToken)
        => PipelinedPublisher.RunOrdersAsync(js, count, context.Options.Window, OrderFactory.CreatedMessage, tracker, counters, cancellationToken);
}
