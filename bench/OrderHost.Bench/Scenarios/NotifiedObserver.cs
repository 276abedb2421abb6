using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Messaging.Events;
using OrderHost.Notifications.Contracts;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// Sees every <c>orders.notified</c> through an ordered (ephemeral, ack-less) consumer of its own on
/// the ORDERS stream, from the stream's next sequence on: the host's durable consumers are untouched.
/// </summary>
internal sealed class NotifiedObserver : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private CompletionTracker? _tracker;
    private int _seen;

    private NotifiedObserver(CancellationTokenSource stop) => _stop = stop;

    /// <summary>Ends only on failure or disposal: watch it while waiting for completions.</summary>
    public Task Loop { get; private set; } = Task.CompletedTask;

    public int Seen => Volatile.Read(ref _seen);

    /// <summary>Where notifications go from now on (warm-up first, then the measured phase).</summary>
    public CompletionTracker? Tracker
    {
        get => Volatile.Read(ref _tracker);
        set => Volatile.Write(ref _tracker, value);
    }

    public static async Task<NotifiedObserver> StartAsync(INatsJSContext jetStream, CancellationToken cancellationToken)
    {
        var stream = await jetStream.GetStreamAsync(BenchHost.StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = await jetStream.CreateOrderedConsumerAsync(
            BenchHost.StreamName,
            new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [NotificationEvents.Notified.Subject],
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = stream.Info.State.LastSeq + 1,
            },
            cancellationToken).ConfigureAwait(false);

        var observer = new NotifiedObserver(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        observer.Loop = observer.ConsumeAsync(consumer, observer._stop.Token);
        return observer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task ConsumeAsync(INatsJSConsumer consumer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var at = Stopwatch.GetTimestamp();
                var notified = EventCodec.Decode(NotificationEvents.Notified, msg.Data);
                Interlocked.Increment(ref _seen);
                Tracker?.End(notified.OrderId, at);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
