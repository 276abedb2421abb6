using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Measurement;
using OrderHost.Messaging;
using OrderHost.Messaging.Events;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;

namespace OrderHost.Bench.Scenarios;

/// <summary>
/// The growth rows' starting point: ORDERS already holding N finished orders (created, paid, notified, each on
/// the order's own subjects) when the measured host starts, with the host's durable consumers past them, as a
/// host that has run for a while finds its ledger. Runs while no host runs, after a first host declared the
/// stream and its consumers (<see cref="BenchEnvironment.CreateAsync"/>); the consumers are moved past the
/// prefill with a consumer reset (nats-server 2.14+), so the host never delivers the old orders.
/// </summary>
internal static class LedgerPrefill
{
    // The prefill is not measured, only timed: many acknowledgements in flight keep the server busy.
    private const int Window = 4096;

    private const int EventsPerOrder = 3;

    /// <summary>
    /// A bound on the prefill: a million orders take about a minute on 2 cores at sync_interval 1s (bench/README.md);
    /// far slower (sync_interval: always fsyncs every message, a disk that stalls) fails the row instead of hanging.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    /// <summary>Stores <paramref name="orders"/> finished orders in ORDERS and moves the host's consumers past them.</summary>
    public static async Task<PrefillResult> RunAsync(BenchEnvironment env, int orders, string label, CancellationToken cancellationToken)
    {
        var js = env.JetStream;
        var stream = BenchHost.StreamName;
        var counters = new PublishCounters();
        var events = orders * EventsPerOrder;
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(MaxDuration);
        await using (new ProgressReporter(label, () => $"prefill: stored {counters.Acked,9}/{events} messages {Measure.Rate(counters.Acked, started)}"))
        {
            var order = Guid.Empty;
            try
            {
                await PipelinedPublisher.RunAsync(js, events, Window, i =>
                {
                    if (i % EventsPerOrder == 0)
                    {
                        order = Guid.CreateVersion7();
                    }

                    return Event(order, i / EventsPerOrder, i % EventsPerOrder);
                }, counters, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"prefill: only {counters.Acked} of {events} messages stored within {MaxDuration.TotalMinutes:0} minutes");
            }
        }

        var seconds = Measure.Seconds(Stopwatch.GetTimestamp() - started);
        var state = (await js.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Info.State;
        foreach (var durable in BenchHost.DurableConsumers)
        {
            await js.ResetConsumerAsync(stream, durable, state.LastSeq + 1, cancellationToken).ConfigureAwait(false);
        }

        return new PrefillResult(orders, seconds, state.Messages, state.Bytes, env.Server?.ResidentBytes());
    }

    /// <summary>
    /// Message <paramref name="step"/> (0 created, 1 paid, 2 notified) of finished order <paramref name="i"/>. No message id:
    /// these orders are older than any duplicate window (ids would also make the server keep a window entry for each).
    /// </summary>
    private static OutgoingMessage Event(Guid id, int i, int step)
    {
        var now = DateTimeOffset.UtcNow;
        var (subject, data) = step switch
        {
            0 => (OrderEvents.Created.SubjectFor(id), OrderFactory.Encode(OrderFactory.Created(id, i))),
            1 => (PaymentEvents.Succeeded.SubjectFor(id), EventCodec.Encode(
                PaymentEvents.Succeeded,
                new PaymentSucceeded(PaymentSucceeded.CurrentVersion, id, $"pay_{id:N}", OrderFactory.Total, "USD", now, now))),
            _ => (NotificationEvents.Notified.SubjectFor(id), EventCodec.Encode(
                NotificationEvents.Notified,
                new CustomerNotified(CustomerNotified.CurrentVersion, id, CustomerNotified.PaidKind, now))),
        };
        return new OutgoingMessage(subject, data, null, new NatsHeaders { [MessageHeaders.CorrelationId] = id.ToString("D") });
    }
}

/// <summary>What a prefill stored and how long it took; the server's resident set right after it.</summary>
internal sealed record PrefillResult(int Orders, double Seconds, long Messages, long Bytes, long? ServerResidentBytes);
