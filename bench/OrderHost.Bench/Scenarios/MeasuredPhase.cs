using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The measured part of every run, the same whatever drives it: note where the stream stands, settle memory, meter the
/// resources, drive the orders with progress shown, wait for the completions and idle consumers; afterwards the per-hop
/// latencies are read back from the stream from where it stood.
/// </summary>
internal sealed record MeasuredPhase(long First, ResourceUsage Usage, string? Incomplete, TimeSpan? Settle, string Stream, ulong FromSequence)
{
    /// <param name="progress">The progress line, given the phase's first timestamp.</param>
    /// <param name="drive">Sends the orders, given the phase's first timestamp.</param>
    /// <param name="expected">How many completions to wait for once the orders are sent (e.g. those accepted).</param>
    public static async Task<MeasuredPhase> RunAsync(
        BenchEnvironment env,
        string stream,
        string label,
        Func<long, string> progress,
        Func<long, Task> drive,
        CompletionTracker tracker,
        Func<int> expected,
        IReadOnlyCollection<Task> watched,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var fromSequence = await HopAnalyzer.LastSequenceAsync(env.JetStream, stream, cancellationToken).ConfigureAwait(false);
        Measure.SettleMemory();
        await using var meter = await ResourceMeter.StartAsync(env, cancellationToken).ConfigureAwait(false);
        var first = Stopwatch.GetTimestamp();
        string? incomplete;
        TimeSpan? settle;
        await using (new ProgressReporter(label, () => progress(first)))
        {
            await drive(first).ConfigureAwait(false);
            (incomplete, settle) = await Measure.CompleteAsync(
                tracker, expected(), timeout, watched, env.JetStream, stream, cancellationToken).ConfigureAwait(false);
        }

        return new MeasuredPhase(first, await meter.StopAsync().ConfigureAwait(false), incomplete, settle, stream, fromSequence);
    }

    /// <summary>The metrics with the per-hop latencies of the orders sent in this phase.</summary>
    public Task<RunMetrics> WithHopsAsync(RunMetrics metrics, INatsJSContext jetStream, (string Created, string Paid, string Notified) subjects, CancellationToken cancellationToken)
        => Measure.WithHopsAsync(metrics, jetStream, Stream, FromSequence, subjects, cancellationToken);
}
