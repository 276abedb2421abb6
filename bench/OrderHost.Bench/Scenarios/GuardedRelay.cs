using System.Buffers;
using NATS.Client.KeyValueStore;
using OrderHost.Bench.Infrastructure;
using OrderHost.Messaging;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The consumers of <see cref="RawScenario"/> (raw-guarded): bare NATS.Net making, per message, the broker
/// calls the host's handlers make, in the same order, with the same concurrency per consumer.
/// A relay hop: record lookup (the kernel's lookup, batched as the host's are), awaited publish of the next event, record (KV create),
/// double ack. The projection: one KV create per event, plain ack. Pulls as the host's consumer worker
/// pulls. <c>--guarded-without</c> leaves parts out, to measure what each costs.
/// </summary>
internal sealed class GuardedRelay(NatsJSContext js, GuardedRelay.Stores stores, int maxConcurrency, int pullBatch, GuardedParts omitted)
{
    public const string PaymentsDurable = "bench-payments";
    public const string NotificationsDurable = "bench-notifications";
    public const string ProjectionDurable = "bench-projection";
    public const string PaymentsBucket = "bench-payments";
    public const string NotificationsBucket = "bench-notifications";
    public const string OrdersBucket = "bench-orders";

    private static readonly ReadOnlySequence<byte> AckPayload = new("+ACK"u8.ToArray());

    // About the size of the host's JSON records (payment record, order step).
    private static readonly byte[] RecordValue = new byte[120];

    public static string[] Buckets => [PaymentsBucket, NotificationsBucket, OrdersBucket];

    /// <summary>
    /// Fresh buckets (file storage, one revision per key, as the host's), opened once as the host opens its
    /// own, with lookups made as the host makes them (<see cref="HostConsumerSettings.BatchKeyLookups"/>).
    /// </summary>
    public static async Task<Stores> CreateStoresAsync(NatsKVContext kv, CancellationToken cancellationToken)
    {
        var opened = new List<INatsKVStore>();
        foreach (var bucket in Buckets)
        {
            try
            {
                await kv.DeleteStoreAsync(bucket, cancellationToken).ConfigureAwait(false);
            }
            catch (NatsJSApiException ex) when (ex.Error.Code == 404)
            {
                // Fresh server: nothing to delete.
            }

            opened.Add(await kv.CreateStoreAsync(new NatsKVConfig(bucket) { History = 1, Storage = NatsKVStorageType.File }, cancellationToken).ConfigureAwait(false));
        }

        return new Stores(opened[0], Lookup(opened[0]), opened[1], Lookup(opened[1]), opened[2]);

        IKeyLookup Lookup(INatsKVStore store) => HostConsumerSettings.BatchKeyLookups
            ? new BatchedKeyLookup(kv.JetStreamContext.Connection, kv.JetStreamContext.Opts.Prefix, store.Bucket, kv.JetStreamContext.Opts.RequestTimeout)
            : new SingleKeyLookup(store);
    }

    /// <summary>Both relay hops and the projection, consuming until <paramref name="stopping"/> is cancelled.</summary>
    public Task[] Start(CancellationToken stopping) =>
    [
        ConsumeAsync(PaymentsDurable, (msg, ct) => RelayAsync(msg, stores.Payments, stores.PaymentsLookup, RawScenario.PaidSubject, "paid", ct), stopping),
        ConsumeAsync(NotificationsDurable, (msg, ct) => RelayAsync(msg, stores.Notifications, stores.NotificationsLookup, RawScenario.NotifiedSubject, "notified", ct), stopping),
        .. omitted.HasFlag(GuardedParts.Projection) ? [] : (Task[])[ConsumeAsync(ProjectionDurable, ProjectAsync, stopping)],
    ];

    /// <summary>As the host's consumer worker: pull, then hand each message to its own task, at most <c>maxConcurrency</c> at once.</summary>
    private async Task ConsumeAsync(string durable, Func<INatsJSMsg<byte[]>, CancellationToken, Task> handle, CancellationToken stopping)
    {
        var consumer = await js.GetConsumerAsync(RawScenario.StreamName, durable, stopping).ConfigureAwait(false);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        Exception? failure = null;
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, new NatsJSConsumeOpts { MaxMsgs = pullBatch, Expires = TimeSpan.FromSeconds(10), IdleHeartbeat = TimeSpan.FromSeconds(1) }, failed.Token).ConfigureAwait(false))
            {
                await slots.WaitAsync(failed.Token).ConfigureAwait(false);
                _ = HandleAndReleaseAsync(msg);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested || failure is not null)
        {
            // Stopped, or a handler failed (thrown below).
        }
        finally
        {
            // Every handler has finished before the semaphore and the token source go away.
            for (var i = 0; i < maxConcurrency; i++)
            {
                await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (failure is not null && !stopping.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{durable}: {failure.Message}", failure);
        }

        async Task HandleAndReleaseAsync(INatsJSMsg<byte[]> msg)
        {
            try
            {
                await handle(msg, failed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!failed.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                await failed.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception) when (failed.IsCancellationRequested)
            {
                // Stopping (or another handler failed first).
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>Find the record, publish the next event, record, double ack: the payment and notification handlers' calls.</summary>
    private async Task RelayAsync(INatsJSMsg<byte[]> msg, INatsKVStore store, IKeyLookup lookup, string nextSubject, string step, CancellationToken cancellationToken)
    {
        var orderId = RawScenario.CorrelationOf(msg);
        var alreadyDone = false;
        if (!omitted.HasFlag(GuardedParts.Lookup))
        {
            alreadyDone = await lookup.FindAsync(orderId, cancellationToken).ConfigureAwait(false) is not null;
        }

        if (!alreadyDone)
        {
            var ack = await js.PublishAsync(
                nextSubject,
                msg.Data,
                NatsRawSerializer<byte[]>.Default,
                new NatsJSPubOpts { MsgId = orderId + ":" + step },
                new NatsHeaders { [MessageHeaders.CorrelationId] = orderId },
                cancellationToken).ConfigureAwait(false);
            ack.EnsureSuccess();
            if (!omitted.HasFlag(GuardedParts.Record))
            {
                var created = await store.TryCreateAsync(orderId, RecordValue, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!created.Success && created.Error is not NatsKVCreateException)
                {
                    throw created.Error;
                }
            }
        }

        if (omitted.HasFlag(GuardedParts.DoubleAck))
        {
            await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await DoubleAckAsync(msg, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One create-only step key per event, then a plain ack: the read-model projection's calls.</summary>
    private async Task ProjectAsync(INatsJSMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        var step = msg.Subject switch
        {
            RawScenario.CreatedSubject => "accepted",
            RawScenario.PaidSubject => "payment",
            _ => "notified",
        };
        var created = await stores.Orders.TryCreateAsync(RawScenario.CorrelationOf(msg) + "." + step, RecordValue, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!created.Success && created.Error is not NatsKVCreateException)
        {
            throw created.Error;
        }

        await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"+ACK" as a request with a raw reply, as the host sends its double acks.</summary>
    private static async Task DoubleAckAsync(INatsJSMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        var confirmation = await msg.Connection!.RequestAsync<ReadOnlySequence<byte>, byte[]>(
            msg.ReplyTo!,
            AckPayload,
            requestSerializer: NatsRawSerializer<ReadOnlySequence<byte>>.Default,
            replySerializer: NatsRawSerializer<byte[]>.Default,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        confirmation.EnsureSuccess();
    }

    internal sealed record Stores(INatsKVStore Payments, IKeyLookup PaymentsLookup, INatsKVStore Notifications, IKeyLookup NotificationsLookup, INatsKVStore Orders)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var lookup in new[] { PaymentsLookup, NotificationsLookup }.OfType<IAsyncDisposable>())
            {
                await lookup.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The parts of the guarded relay that <c>--guarded-without</c> can leave out.</summary>
[Flags]
internal enum GuardedParts
{
    None = 0,
    Lookup = 1,
    Record = 2,
    DoubleAck = 4,
    Projection = 8,
}
