using OrderHost.Messaging.Ledger;

namespace OrderHost.Bench.Measurement;

/// <summary>
/// Where the time goes: after a run, reads the run's messages back from the stream and pairs each
/// order's hops by their server-side store timestamps (one clock: the server's). Subjects are per order
/// (<c>{step}.{orderId}</c>): the step and the order are read from the subject. Not part of the measured phase.
/// </summary>
internal static class HopAnalyzer
{
    public static async Task<ulong> LastSequenceAsync(INatsJSContext jetStream, string stream, CancellationToken cancellationToken)
        => (await jetStream.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Info.State.LastSeq;

    /// <summary>Latencies created → paid and paid → notified of the messages after <paramref name="afterSequence"/>; the subjects are the steps' (without the order id).</summary>
    public static async Task<HopLatencies?> AnalyzeAsync(
        INatsJSContext jetStream, string stream, ulong afterSequence, string createdSubject, string paidSubject, string notifiedSubject, CancellationToken cancellationToken)
    {
        var last = await LastSequenceAsync(jetStream, stream, cancellationToken).ConfigureAwait(false);
        if (last <= afterSequence)
        {
            return null;
        }

        var consumer = await jetStream.CreateOrderedConsumerAsync(
            stream,
            new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [LedgerSubjects.StepFilter(createdSubject), LedgerSubjects.StepFilter(paidSubject), LedgerSubjects.StepFilter(notifiedSubject)],
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = afterSequence + 1,
                HeadersOnly = true,
            },
            cancellationToken).ConfigureAwait(false);

        var created = new Dictionary<Guid, long>();
        var paid = new Dictionary<Guid, long>();
        var notified = new Dictionary<Guid, long>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: timeout.Token).ConfigureAwait(false))
        {
            if (msg.Metadata is { } meta && LedgerSubjects.IdOf(msg.Subject) is { } order)
            {
                var step = LedgerSubjects.StepOf(msg.Subject);
                var target = step == createdSubject ? created : step == paidSubject ? paid : notified;
                target[order] = StoredAtNanos(msg.ReplyTo, meta.Timestamp);
            }

            if (msg.Metadata?.Sequence.Stream >= last)
            {
                break;
            }
        }

        return new HopLatencies(Between(created, paid), Between(paid, notified));
    }

    /// <summary>
    /// The store time in Unix nanoseconds from the ack subject (<c>$JS.ACK.[domain.hash.]stream.consumer.delivered.sseq.cseq.tm.pending[.token]</c>):
    /// the parsed metadata keeps only milliseconds, too coarse for a hop of a millisecond or two.
    /// </summary>
    internal static long StoredAtNanos(string? replyTo, DateTimeOffset fallback)
    {
        var tokens = replyTo?.Split('.') ?? [];
        var index = tokens.Length switch
        {
            9 => 7,
            >= 11 => 9,
            _ => -1,
        };
        return index > 0 && tokens[0] == "$JS" && tokens[1] == "ACK" && long.TryParse(tokens[index], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var nanos)
            ? nanos
            : (fallback - DateTimeOffset.UnixEpoch).Ticks * 100;
    }

    private static LatencySummary? Between(Dictionary<Guid, long> from, Dictionary<Guid, long> to)
        => LatencySummary.FromMicros(from
            .Where(f => to.ContainsKey(f.Key))
            .Select(f => (to[f.Key] - f.Value) / 1000));
}

/// <summary>Per-hop latency from the stream's store timestamps: consumer pickup, handler, and the next publish.</summary>
internal sealed record HopLatencies(LatencySummary? CreatedToPaid, LatencySummary? PaidToNotified);
