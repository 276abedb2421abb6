using System.Globalization;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Ledger;
using OrderHost.Messaging.Publishing;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>
/// Copies a message that will never succeed to the dead-letter stream under its stream sequence
/// (see <see cref="DeadLetterSubjects"/>), keeping its data and headers and adding why, where from
/// and after how many deliveries. There is one writer per
/// identity: a dead letter goes out over the connection of whoever gives up on the message.
/// </summary>
internal sealed class DeadLetterWriter(INatsJSContext jetStream, DeadLetterSubjects subjects, MessagingMetrics metrics, TimeProvider timeProvider)
{
    private const int MaxReasonLength = 512;

    public async Task<DeadLetterWrite> WriteAsync(
        string stream,
        DeliveryInfo delivery,
        ReadOnlyMemory<byte> data,
        NatsHeaders? originalHeaders,
        string reason,
        string reasonCode,
        CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders();
        if (originalHeaders is not null)
        {
            foreach (var (key, value) in originalHeaders)
            {
                // Nats-* headers are instructions to the server (message id, the ledger's expected sequence):
                // copied, they would make the dead letter's own publish conditional on the original's history.
                if (!key.StartsWith("Nats-", StringComparison.OrdinalIgnoreCase))
                {
                    headers[key] = value;
                }
            }
        }

        headers[MessageHeaders.DeadLetterReason] = ToHeaderValue(reason);
        headers[MessageHeaders.DeadLetterConsumer] = delivery.Consumer;
        headers[MessageHeaders.DeadLetterStream] = stream;
        headers[MessageHeaders.DeadLetterSubject] = delivery.Subject;
        headers[MessageHeaders.DeadLetterSequence] = delivery.StreamSequence.ToString(CultureInfo.InvariantCulture);
        headers[MessageHeaders.DeadLetterDeliveries] = delivery.DeliveryCount.ToString(CultureInfo.InvariantCulture);
        headers[MessageHeaders.DeadLetterAt] = timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

        // One entry per original message, ever: stored only while nothing is stored under its sequence
        // (neither an entry nor the marker a replay or delete leaves), whoever writes it and however late.
        var subject = subjects.EntryFor(delivery.StreamSequence, delivery.Subject);
        var ack = await jetStream.PublishAsync(
            subject,
            data.ToArray(),
            serializer: NatsRawSerializer<byte[]>.Default,
            opts: new NatsJSPubOpts
            {
                MsgId = $"dlq:{stream}:{delivery.StreamSequence.ToString(CultureInfo.InvariantCulture)}",
                ExpectedLastSubjectSequence = 0,
                ExpectedLastSubjectSequenceSubject = subjects.KeyFilterFor(delivery.StreamSequence),
            },
            headers: headers,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ack.Error is { ErrCode: JetStreamLedger.WrongLastSequence })
        {
            return DeadLetterWrite.AlreadyWritten;
        }

        if (ack.Error is { } error)
        {
            // The stream refused it (full, discard new): the caller keeps the message and retries.
            metrics.DeadLetterRefused(delivery.Consumer, error.ErrCode);
            throw new PublishRejectedException(subject, error.Code, error.ErrCode, error.Description);
        }

        if (ack.Duplicate)
        {
            return DeadLetterWrite.AlreadyWritten;
        }

        metrics.DeadLettered(delivery.Consumer, reasonCode);
        return DeadLetterWrite.Written;
    }

    /// <summary>Header values must be visible ASCII on one line.</summary>
    private static string ToHeaderValue(string text)
    {
        var chars = text.Length > MaxReasonLength ? text.AsSpan(0, MaxReasonLength) : text.AsSpan();
        return string.Create(chars.Length, chars.ToString(), static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= ' ' and <= '~' ? c : '?';
            }
        });
    }
}
