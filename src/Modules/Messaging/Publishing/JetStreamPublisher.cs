using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Publishing;

internal sealed class JetStreamPublisher(INatsJSContext jetStream) : IEventPublisher
{
    public async Task<PublishReceipt> PublishAsync<TEvent>(
        EventType<TEvent> type,
        TEvent evt,
        string messageId,
        string correlationId,
        CancellationToken cancellationToken)
        where TEvent : class, IIntegrationEvent
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var data = EventCodec.Encode(type, evt);

        using var activity = MessageActivity.StartPublish(type.Subject);

        // A fresh headers object per publish: the client writes Nats-Msg-Id into it.
        var headers = new NatsHeaders { [MessageHeaders.CorrelationId] = correlationId };
        MessageActivity.InjectContext(headers);
        return await PublishRawAsync(jetStream, type.Subject, data, headers, messageId, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<PublishReceipt> PublishRawAsync(
        INatsJSContext jetStream,
        string subject,
        byte[] data,
        NatsHeaders headers,
        string messageId,
        CancellationToken cancellationToken)
    {
        var ack = await jetStream.PublishAsync(
            subject,
            data,
            serializer: NatsRawSerializer<byte[]>.Default,
            opts: new NatsJSPubOpts { MsgId = messageId },
            headers: headers,
            cancellationToken: cancellationToken).ConfigureAwait(false);

        // A duplicate is success for an idempotent publish; only a server error is a failure.
        if (ack.Error is { } error)
        {
            throw new PublishRejectedException(subject, error.Code, error.ErrCode, error.Description);
        }

        return new PublishReceipt(ack.Seq, ack.Duplicate);
    }
}
