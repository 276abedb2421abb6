using System.Buffers;
using OrderHost.Bench.Infrastructure;
using OrderHost.Messaging;
using OrderHost.Messaging.Configuration;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The consumers of <see cref="RawScenario"/> (raw-guarded): bare NATS.Net making, per message, the broker
/// calls the host's payment and notification handlers make, in the same order, with the same concurrency per consumer.
/// A hop: leader read of the order's last event (<c>STREAM.MSG.GET</c> with <c>last_by_subj</c> on <c>bench.*.{id}</c>);
/// if it is the delivered message, a conditional append of the next event (expected last subject sequence = the
/// delivered message's, on the same filter); then a double ack when the host's consumers double-ack (their default).
/// No projection and no key-value store: the host has neither. Pulls as the host's consumer worker pulls.
/// <c>--guarded-without</c> leaves parts out, to measure what each costs.
/// </summary>
internal sealed class GuardedRelay(NatsJSContext js, INatsJSStream stream, int maxConcurrency, int pullBatch, bool doubleAck, TimeSpan nakDelay, GuardedParts omitted)
{
    public const string PaymentsDurable = "bench-payments";
    public const string NotificationsDurable = "bench-notifications";

    /// <summary>"wrong last sequence": the leader refused the append, the step was done already.</summary>
    private const int WrongLastSequence = 10071;

    private static readonly ReadOnlySequence<byte> AckPayload = new("+ACK"u8.ToArray());

    /// <summary>Both relay hops, consuming until <paramref name="stopping"/> is cancelled.</summary>
    public Task[] Start(CancellationToken stopping) =>
    [
        ConsumeAsync(PaymentsDurable, (msg, ct) => RelayAsync(msg, RawScenario.PaidSubject, "payment", ct), stopping),
        ConsumeAsync(NotificationsDurable, (msg, ct) => RelayAsync(msg, RawScenario.NotifiedSubject, "notified", ct), stopping),
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

    /// <summary>
    /// Leader read, conditional append of the next event, double ack: the payment and notification handlers' calls.
    /// A call that fails (no answer within the request timeout, say, while fsyncs stall) is handled as the host's
    /// message processor handles a transient failure: nak with its first back-off, and the redelivery starts over.
    /// </summary>
    private async Task RelayAsync(INatsJSMsg<byte[]> msg, string nextStep, string step, CancellationToken cancellationToken)
    {
        var orderId = RawScenario.CorrelationOf(msg);
        var history = RawScenario.HistoryOf(orderId);
        var delivered = msg.Metadata?.Sequence.Stream ?? throw new InvalidOperationException($"A message on {msg.Subject} has no stream sequence.");
        var call = "leader read";
        try
        {
            var isLast = true;
            if (!omitted.HasFlag(GuardedParts.Read))
            {
                // The host's handlers ask the leader, never a replica (STREAM.MSG.GET, not DIRECT.GET).
                var last = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = history }, cancellationToken).ConfigureAwait(false);
                isLast = last.Message.Seq == delivered;
            }

            call = "conditional append";
            if (isLast)
            {
                var ack = await js.PublishAsync(
                    nextStep + "." + orderId,
                    msg.Data,
                    NatsRawSerializer<byte[]>.Default,
                    omitted.HasFlag(GuardedParts.Condition)
                        ? new NatsJSPubOpts { MsgId = orderId + ":" + step }
                        : new NatsJSPubOpts { MsgId = orderId + ":" + step, ExpectedLastSubjectSequence = delivered, ExpectedLastSubjectSequenceSubject = history },
                    new NatsHeaders { [MessageHeaders.CorrelationId] = orderId },
                    cancellationToken).ConfigureAwait(false);
                if (ack.Error is { ErrCode: not WrongLastSequence })
                {
                    ack.EnsureSuccess();
                }
            }

            call = "ack";
            if (doubleAck && !omitted.HasFlag(GuardedParts.DoubleAck))
            {
                await DoubleAckAsync(msg, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            Failures.Add($"{call}: {ex.Message}");
            await msg.NakAsync(new AckOpts { NakDelay = nakDelay }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Handler calls that failed and were nak'd for redelivery, as the host would (reported by the run, not fatal).</summary>
    public RelayFailures Failures { get; } = new();

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

    /// <summary>The relay as the host's consumer settings make it (<see cref="HostSettings"/>).</summary>
    public static GuardedRelay ForHostSettings(NatsJSContext js, INatsJSStream stream, GuardedParts omitted)
    {
        var settings = HostSettings.Consumers;
        var nakDelay = settings.NakDelays.Length > 0 ? settings.NakDelays[0] : TimeSpan.FromSeconds(1); // the host's first back-off step
        return new GuardedRelay(js, stream, settings.MaxConcurrency, settings.PullBatch, settings.DoubleAck, nakDelay, omitted);
    }
}

/// <summary>Counts the guarded relay's failed handler calls (each nak'd for redelivery) and keeps the first reason.</summary>
internal sealed class RelayFailures
{
    private int _count;
    private string? _first;

    public int Count => Volatile.Read(ref _count);

    public string? First => Volatile.Read(ref _first);

    public void Add(string reason)
    {
        Interlocked.Increment(ref _count);
        Interlocked.CompareExchange(ref _first, reason, null);
    }
}

/// <summary>The parts of the guarded relay that <c>--guarded-without</c> can leave out.</summary>
[Flags]
internal enum GuardedParts
{
    None = 0,

    /// <summary>The leader read before the effect.</summary>
    Read = 1,

    /// <summary>The append's expectations (it becomes a plain publish with a message id).</summary>
    Condition = 2,

    /// <summary>The ack's confirmation (a plain ack instead).</summary>
    DoubleAck = 4,
}
