namespace OrderHost.Bench.Measurement;

/// <summary>
/// Waits until every durable consumer of a stream has nothing left to deliver or to settle.
/// An order is "complete" when its last event is stored, but the handler that appended it has yet to
/// ack its own message: without this wait, work of a warm-up could run during the next measured phase,
/// and the measured phase's own tail (acks, or anything a consumer trails behind) would escape the CPU figures.
/// </summary>
internal static class ConsumersIdle
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long it took until every durable consumer of <paramref name="stream"/> was idle. A loop of
    /// <paramref name="watched"/> that ends meanwhile fails the wait with its own error, not a timeout.
    /// </summary>
    public static async Task<TimeSpan> WaitAsync(
        INatsJSContext js, string stream, TimeSpan timeout, IReadOnlyCollection<Task> watched, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var durables = new List<string>();
        await foreach (var consumer in js.ListConsumersAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            // Ephemeral consumers (the benchmark's own observer) come and go; the host's are durable.
            if (consumer.Info.Config.DurableName is { } durable)
            {
                durables.Add(durable);
            }
        }

        while (true)
        {
            var busy = new List<string>();
            foreach (var name in durables)
            {
                var info = (await js.GetConsumerAsync(stream, name, cancellationToken).ConfigureAwait(false)).Info;
                if (info.NumPending > 0 || info.NumAckPending > 0)
                {
                    busy.Add($"{name} ({info.NumPending} pending, {info.NumAckPending} unacknowledged)");
                }
            }

            if (watched.FirstOrDefault(t => t.IsCompleted) is { } ended)
            {
                await ended.ConfigureAwait(false);
                throw new InvalidOperationException($"A consuming loop of the benchmark stopped while consumers of {stream} were busy.");
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (busy.Count == 0)
            {
                return elapsed;
            }

            if (elapsed > timeout)
            {
                throw new TimeoutException($"consumers of {stream} still busy after {timeout.TotalSeconds:0} s: {string.Join(", ", busy)}");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
