using System.Globalization;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Publishing;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>
/// Copies a message that will never succeed to <c>dlq.{original subject}</c>, keeping its data and
/// headers and adding why, where from and after how many deliveries. There is one writer per
/// identity: a dead letter goes out over the connection of whoever gives up on the message.
/// </summary>
internal sealed class DeadLetterWriter(INatsJSContext jetStream, MessagingMetrics metrics, TimeProvider timeProvider)
{
    public const string SubjectPrefix = "dlq.";
    private const int MaxReasonLength = 512;

    public async Task WriteAsync(
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
                // copied, they would make the dead letter's own publish conditional on the order's history.
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

        // One dead letter per stream message and consumer, however often this runs.
        var messageId = $"dlq:{stream}:{delivery.StreamSequence}:{delivery.Consumer}";
        var receipt = await JetStreamPublisher.PublishRawAsync(
            jetStream, SubjectPrefix + delivery.Subject, data.ToArray(), headers, messageId, cancellationToken).ConfigureAwait(false);
        if (!receipt.Duplicate)
        {
            metrics.DeadLettered(delivery.Consumer, reasonCode);
        }
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
