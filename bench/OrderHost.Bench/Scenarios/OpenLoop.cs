namespace OrderHost.Bench.Scenarios;

/// <summary>
/// Sends order i at <c>first + i / rate</c> whether or not earlier ones were answered (open loop), so a
/// slow answer delays nothing after it and shows in full in the latency measured from the schedule.
/// </summary>
internal sealed class OpenLoop(int rate, int count)
{
    private int _sent;

    /// <summary>Orders handed to the send delegate so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Schedules every send from <paramref name="first"/> on; completes when every send has completed.</summary>
    public async Task RunAsync(long first, Func<int, long, Task> send, CancellationToken cancellationToken)
    {
        var ticksPerOrder = (double)Stopwatch.Frequency / rate;
        var sends = new List<Task>(count);
        while (_sent < count)
        {
            var now = Stopwatch.GetTimestamp();
            while (_sent < count && first + (long)(_sent * ticksPerOrder) <= now)
            {
                var i = _sent;
                Volatile.Write(ref _sent, i + 1);
                sends.Add(send(i, first + (long)(i * ticksPerOrder)));
            }

            if (_sent < count)
            {
                // Timers tick in whole milliseconds: at 2,000/s orders leave in bursts of one or two per tick.
                var waitMs = (first + (long)(_sent * ticksPerOrder) - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, waitMs)), cancellationToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }
}
