namespace OrderHost.Messaging.Hosting;

/// <summary>
/// The one back-off of the kernel's <see cref="SupervisedLoop"/>: after a
/// failure wait 200 ms, doubling up to 5 s, each wait ±20 % so that loops failing together do not retry together;
/// a success starts again from the shortest wait.
/// </summary>
internal sealed class RestartBackoff(TimeProvider timeProvider)
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);
    private const double Jitter = 0.2;

    private int _failures;

    /// <summary>The wait before the next attempt, counting one more failure.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures++, 16);
        var plain = TimeSpan.FromTicks(Math.Min(First.Ticks << exponent, Longest.Ticks));
        return plain * (1 + (((Random.Shared.NextDouble() * 2) - 1) * Jitter));
    }

    public void Reset() => _failures = 0;

    /// <summary>Waits <paramref name="delay"/>; false when the host stops first.</summary>
    public async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
