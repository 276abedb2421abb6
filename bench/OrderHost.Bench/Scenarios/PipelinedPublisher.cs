using System.Threading.Channels;
using OrderHost.Bench.Measurement;

namespace OrderHost.Bench.Scenarios;

/// <summary>Counters a publisher updates while it runs (read by the progress line).</summary>
internal sealed class PublishCounters
{
    private int _sent;
    private int _acked;

    public int Sent => Volatile.Read(ref _sent);

    public int Acked => Volatile.Read(ref _acked);

    public void AddSent() => Interlocked.Increment(ref _sent);

    public void AddAcked() => Interlocked.Increment(ref _acked);
}

/// <summary>
/// Publishes with a bounded window of <c>PublishConcurrentAsync</c> futures: sending never waits
/// for an acknowledgement unless <c>window</c> of them are outstanding. Every acknowledgement is
/// checked: an error fails the run; a duplicate is success (idempotent publish).
/// </summary>
internal static class PipelinedPublisher
{
    /// <summary>
    /// Publishes <paramref name="count"/> orders with fresh v7 ids, starting each order's clock in
    /// <paramref name="tracker"/> as its message is handed to the client.
    /// </summary>
    public static Task RunOrdersAsync(
        INatsJSContext jetStream, int count, int window, Func<Guid, int, OutgoingMessage> messageFor, CompletionTracker tracker, PublishCounters counters, CancellationToken cancellationToken)
    {
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Guid.CreateVersion7();
        }

        return RunAsync(jetStream, count, window, i =>
        {
            var message = messageFor(ids[i], i);
            tracker.Start(ids[i], Stopwatch.GetTimestamp());
            return message;
        }, counters, cancellationToken);
    }

    public static async Task RunAsync(
        INatsJSContext jetStream, int count, int window, Func<int, OutgoingMessage> next, PublishCounters counters, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = Channel.CreateBounded<NatsJSPublishConcurrentFuture>(
            new BoundedChannelOptions(window) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var completer = AwaitAcksAsync(inFlight.Reader, counters, cts);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var message = next(i);
                var future = await jetStream.PublishConcurrentAsync(
                    message.Subject,
                    message.Data,
                    NatsRawSerializer<byte[]>.Default,
                    message.PubOpts(),
                    message.Headers,
                    cts.Token).ConfigureAwait(false);
                counters.AddSent();
                if (!inFlight.Writer.TryWrite(future))
                {
                    try
                    {
                        await inFlight.Writer.WriteAsync(future, cts.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        await future.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (completer.IsFaulted)
        {
            // The completer saw a rejected publish and stopped us; its exception is the one to report.
        }
        finally
        {
            inFlight.Writer.TryComplete();
        }

        await completer.ConfigureAwait(false);
    }

    private static async Task AwaitAcksAsync(ChannelReader<NatsJSPublishConcurrentFuture> reader, PublishCounters counters, CancellationTokenSource cts)
    {
        try
        {
            await foreach (var pending in reader.ReadAllAsync(cts.Token).ConfigureAwait(false))
            {
                await using var future = pending;
                var ack = await future.GetResponseAsync(cts.Token).ConfigureAwait(false);
                if (ack.Error is { } error)
                {
                    throw new InvalidOperationException($"JetStream rejected a publish: {error.Code}/{error.ErrCode} {error.Description}");
                }

                counters.AddAcked();
            }
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            while (reader.TryRead(out var leftover))
            {
                await leftover.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}
