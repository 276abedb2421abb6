using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Messaging.Events;
using OrderHost.Notifications.Contracts;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// Sees every <c>orders.notified</c> (or the guarded relay's <c>bench.notified</c>) through an ordered
/// (ephemeral, ack-less) consumer of its own, from the stream's next sequence on: the durable consumers
/// are untouched.
/// </summary>
internal sealed class NotifiedObserver : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Func<INatsJSMsg<byte[]>, Guid> _orderIdOf;
    private CompletionTracker? _tracker;
    private int _seen;

    private NotifiedObserver(CancellationTokenSource stop, Func<INatsJSMsg<byte[]>, Guid> orderIdOf)
    {
        _stop = stop;
        _orderIdOf = orderIdOf;
    }

    /// <summary>Ends only on failure or disposal: watch it while waiting for completions.</summary>
    public Task Loop { get; private set; } = Task.CompletedTask;

    public int Seen => Volatile.Read(ref _seen);

    /// <summary>Where notifications go from now on (warm-up first, then the measured phase).</summary>
    public CompletionTracker? Tracker
    {
        get => Volatile.Read(ref _tracker);
        set => Volatile.Write(ref _tracker, value);
    }

    /// <summary>The host's <c>orders.notified</c> on ORDERS.</summary>
    public static Task<NotifiedObserver> StartAsync(INatsJSContext jetStream, CancellationToken cancellationToken)
        => StartAsync(
            jetStream,
            BenchHost.StreamName,
            NotificationEvents.Notified.Subject,
            msg => EventCodec.Decode(NotificationEvents.Notified, msg.Data).OrderId,
            cancellationToken);

    public static async Task<NotifiedObserver> StartAsync(
        INatsJSContext jetStream, string streamName, string subject, Func<INatsJSMsg<byte[]>, Guid> orderIdOf, CancellationToken cancellationToken)
    {
        var stream = await jetStream.GetStreamAsync(streamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = await jetStream.CreateOrderedConsumerAsync(
            streamName,
            new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [subject],
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = stream.Info.State.LastSeq + 1,
            },
            cancellationToken).ConfigureAwait(false);

        var observer = new NotifiedObserver(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken), orderIdOf);
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
                var orderId = _orderIdOf(msg);
                Interlocked.Increment(ref _seen);
                Tracker?.End(orderId, at);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
