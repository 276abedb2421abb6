namespace OrderHost.Messaging.Hosting;

/// <summary>How one attempt of a <see cref="SupervisedLoop"/> ended, when it did not throw.</summary>
internal enum AttemptEnd
{
    /// <summary>The work is done: the loop ends.</summary>
    Finished,

    /// <summary>Start the next attempt at once (say, the connection moved and nothing failed).</summary>
    RestartNow,

    /// <summary>Start the next attempt after the back-off, as after a failure.</summary>
    RestartAfterBackoff,
}

/// <summary>
/// The kernel's one way to keep a background loop alive (consume loops, dead-letter advisories, provisioning): run an
/// attempt until the host stops; after a failure report it and wait the <see cref="RestartBackoff"/>. An attempt that
/// gets going calls <see cref="Healthy"/>, so its next failure starts again from the shortest wait.
/// </summary>
internal sealed class SupervisedLoop(TimeProvider timeProvider)
{
    private readonly RestartBackoff _backoff = new(timeProvider);

    public void Healthy() => _backoff.Reset();

    /// <param name="attempt">One run of the work; throws to fail.</param>
    /// <param name="failed">Told of each failure and the wait before the next attempt (mark status, count, log).</param>
    public async Task RunAsync(Func<CancellationToken, Task<AttemptEnd>> attempt, Action<Exception, TimeSpan> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var end = await attempt(stoppingToken).ConfigureAwait(false);
                if (end == AttemptEnd.Finished)
                {
                    return;
                }

                if (end == AttemptEnd.RestartNow)
                {
                    continue;
                }

                delay = _backoff.NextDelay();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                delay = _backoff.NextDelay();
                failed(ex, delay);
            }

            if (!await _backoff.WaitAsync(delay, stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
