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
        var before = relay.Counts;
        var phase = await MeasuredPhase.RunAsync(
            env,
            RawScenario.StreamName,
            label,
            _ => $"sent {loop.Sent,6}/{orders} acked {tracker.Started,6} completed {tracker.Completed,6}",
            first => loop.RunAsync(first, SendAsync, cancellationToken),
            tracker,
            () => orders,
            relay.Loops,
            options.CompletionTimeout,
            cancellationToken).ConfigureAwait(false);
        var metrics = relay.Metrics(orders, tracker, phase.First, phase.Usage, phase.Settle, before) with
        {
            Accepted = tracker.Started,
            TargetRate = rate,
            Post = LatencySummary.FromTicks(fromSchedule.Where(t => t > 0)),
        };
        metrics = await phase.WithHopsAsync(metrics, env.JetStream, RawScenario.Subjects, cancellationToken).ConfigureAwait(false);
        var incomplete = phase.Incomplete;
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
