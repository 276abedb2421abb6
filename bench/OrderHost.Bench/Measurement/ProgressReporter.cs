namespace OrderHost.Bench.Measurement;

/// <summary>Prints a status line to stderr while a phase runs: rewritten in place on a terminal, a line every few seconds in logs.</summary>
internal sealed class ProgressReporter : IAsyncDisposable
{
    private static readonly bool Interactive = !Console.IsErrorRedirected;

    private readonly string _label;
    private readonly Func<string> _status;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _lastLength;

    public ProgressReporter(string label, Func<string> status)
    {
        _label = label;
        _status = status;
        _loop = RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (Interactive && _lastLength > 0)
        {
            Console.Error.Write("\r" + new string(' ', _lastLength) + "\r");
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Interactive ? 500 : 3000));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
                var line = FormattableString.Invariant($"  {_label} {elapsed,5:0.0}s  {_status()}");
                if (Interactive)
                {
                    Console.Error.Write("\r" + line.PadRight(_lastLength));
                    _lastLength = line.Length;
                }
                else
                {
                    Console.Error.WriteLine(line);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
