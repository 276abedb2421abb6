using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The latency floor beside the rates rows: the raw relay (no business logic) driven open loop at
/// the same rates and counts. Each order is one awaited publish of <c>bench.created.{id}</c> (the analogue
/// of POST → 202, which waits for the same acknowledgement); its latency runs from that acknowledgement to
/// the sink (the analogue of 202 → orders.notified). What this relay cannot beat on the machine,
/// the host cannot either. Guarded (raw-guarded-rates), the relay makes the broker calls of the pipeline's
/// guarantees as well: the floor of this design rather than of the flow.
/// </summary>
internal sealed class RawRatesScenario(BenchContext context, bool guarded, string? syncInterval) : PerRateScenario(context, syncInterval)
{
    public override string Name => guarded ? ScenarioNames.RawGuardedRates : ScenarioNames.RawRates;

    protected override async Task<RunResult> RunRateAsync(int run, int rate, string name, CancellationToken cancellationToken)
    {
        var options = Context.Options;
        var label = Measure.Label(name, run, options.Runs);
        await using var env = await BenchEnvironment.CreateAsync(Context, ServerSyncInterval, withHost: false, 0, cancellationToken).ConfigureAwait(false);
        await using var relay = await RelayRig.StartAsync(env, guarded, options, cancellationToken).ConfigureAwait(false);
        await relay.WarmUpAsync(env, guarded, options, cancellationToken).ConfigureAwait(false);

        var orders = options.RateOrders;
        var tracker = new CompletionTracker(orders);
        relay.Tracker = tracker;
        var ids = Enumerable.Range(0, orders).Select(_ => Guid.CreateVersion7()).ToArray();
        var fromSchedule = new long[orders];
        var loop = new OpenLoop(rate, orders);
        var fromSequence = await HopAnalyzer.LastSequenceAsync(env.JetStream, RawScenario.StreamName, cancellationToken).ConfigureAwait(false);
        Measure.SettleMemory();
        var before = relay.Counts;
        await using var meter = await ResourceMeter.StartAsync(env, cancellationToken).ConfigureAwait(false);
        var first = Stopwatch.GetTimestamp();
        string? incomplete;
        TimeSpan? settle;
        await using (new ProgressReporter(label, () => $"sent {loop.Sent,6}/{orders} acked {tracker.Started,6} completed {tracker.Completed,6}"))
        {
            await loop.RunAsync(first, SendAsync, cancellationToken).ConfigureAwait(false);
            (incomplete, settle) = await Measure.CompleteAsync(tracker, orders, options.CompletionTimeout, relay.Loops, env.JetStream, RawScenario.StreamName, cancellationToken).ConfigureAwait(false);
        }

        var usage = await meter.StopAsync().ConfigureAwait(false);
        var metrics = relay.Metrics(orders, tracker, first, usage, settle, before) with
        {
            Accepted = tracker.Started,
            TargetRate = rate,
            Post = LatencySummary.FromTicks(fromSchedule.Where(t => t > 0)),
        };
        metrics = await Measure.WithHopsAsync(
            metrics, env.JetStream, RawScenario.StreamName, fromSequence, RawScenario.Subjects, cancellationToken).ConfigureAwait(false);
        return new RunResult(name, run, env.SyncInterval, metrics, incomplete);

        async Task SendAsync(int i, long scheduled)
        {
            var message = RawScenario.CreatedMessage(ids[i], i, guarded);
            var ack = await env.JetStream.PublishAsync(
                message.Subject,
                message.Data,
                NatsRawSerializer<byte[]>.Default,
                message.PubOpts(),
                message.Headers,
                cancellationToken).ConfigureAwait(false);
            ack.EnsureSuccess();
            var done = Stopwatch.GetTimestamp();
            tracker.Start(ids[i], done);
            fromSchedule[i] = done - scheduled;
        }
    }
}
