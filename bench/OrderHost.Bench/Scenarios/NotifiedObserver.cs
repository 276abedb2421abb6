using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// Sees every <c>orders.notified.{id}</c> (or the guarded relay's <c>bench.notified.{id}</c>) through an ordered
/// (ephemeral, ack-less) consumer of its own, from the stream's next sequence on: the durable consumers
/// are untouched. The order is the subject's last token, as the ledger files it.
/// </summary>
internal sealed class NotifiedObserver : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private CompletionTracker? _tracker;
    private int _seen;

    private NotifiedObserver(CancellationTokenSource stop)
    {
        _stop = stop;
    }

    /// <summary>Ends only on failure or disposal: watch it while waiting for completions.</summary>
    public Task Loop { get; private set; } = Task.CompletedTask;

    /// <summary>Messages delivered to it so far: its share of the server's outgoing messages.</summary>
    public int Seen => Volatile.Read(ref _seen);

    /// <summary>Where notifications go from now on (warm-up first, then the measured phase).</summary>
    public CompletionTracker? Tracker
    {
        get => Volatile.Read(ref _tracker);
        set => Volatile.Write(ref _tracker, value);
    }

    /// <summary>The host's <c>orders.notified.*</c> on ORDERS.</summary>
    public static Task<NotifiedObserver> StartAsync(INatsJSContext jetStream, CancellationToken cancellationToken)
        => StartAsync(jetStream, BenchHost.StreamName, NotificationEvents.Notified.Subject, cancellationToken);

    /// <summary>Every order's message of the step <paramref name="stepSubject"/> on <paramref name="streamName"/>.</summary>
    public static async Task<NotifiedObserver> StartAsync(INatsJSContext jetStream, string streamName, string stepSubject, CancellationToken cancellationToken)
    {
        var stream = await jetStream.GetStreamAsync(streamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = await jetStream.CreateOrderedConsumerAsync(
            streamName,
            new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [LedgerSubjects.StepFilter(stepSubject)],
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
                var orderId = LedgerSubjects.IdOf(msg.Subject) ?? throw new InvalidOperationException($"{msg.Subject} names no order.");
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
