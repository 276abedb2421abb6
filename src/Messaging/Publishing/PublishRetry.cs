using OrderHost.Messaging.Connections;

namespace OrderHost.Messaging.Publishing;

/// <summary>
/// Sends one JetStream publish until it is answered or the time is up. An attempt is abandoned, and the same
/// message sent again, when it gets no answer within the attempt timeout, when the connection moves to another
/// server (the answer would go to the old socket), or when no server answers yet (a stream without a leader).
/// Safe only for publishes with a message id: the stream stores a repeat once.
/// </summary>
internal sealed class PublishRetry(TimeSpan attemptTimeout, TimeSpan totalTimeout, ReconnectSignal? reconnects, TimeProvider timeProvider)
{
    private static readonly TimeSpan PauseBeforeRetry = TimeSpan.FromMilliseconds(100);
    private static readonly Task Never = new TaskCompletionSource().Task;

    /// <param name="publish">One attempt; it builds its own headers, since the client writes into them.</param>
    public async Task<PubAckResponse> RunAsync(Func<CancellationToken, ValueTask<PubAckResponse>> publish, CancellationToken cancellationToken)
    {
        // One token source per attempt, bounded by what is left of the total: every append runs this.
        var started = timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var moved = reconnects?.Next ?? Never;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var left = Left(started);
            attemptCts.CancelAfter(left < attemptTimeout ? left : attemptTimeout);
            var publishing = publish(attemptCts.Token).AsTask();
            try
            {
                if (await Task.WhenAny(publishing, moved).ConfigureAwait(false) != publishing)
                {
                    // The connection moved while the answer was awaited: that answer will not come.
                    await attemptCts.CancelAsync().ConfigureAwait(false);
                    await ((Task)publishing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (Left(started) > TimeSpan.Zero)
                    {
                        continue;
                    }
                }

                return await publishing.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (Left(started) <= TimeSpan.Zero)
            {
                throw new TimeoutException($"JetStream did not acknowledge the publish within {totalTimeout.TotalSeconds:0.#} s ({attempt} attempts).", ex);
            }
            catch (Exception ex) when (ex is OperationCanceledException or NatsException or TimeoutException)
            {
                // No answer in time, or no server to take it yet: send again after a breath.
                var pause = Left(started) < PauseBeforeRetry ? Left(started) : PauseBeforeRetry;
                await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private TimeSpan Left(long started)
    {
        var left = totalTimeout - timeProvider.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
