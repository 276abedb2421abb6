using System.Buffers;

namespace OrderHost.Messaging.Consuming;

/// <summary>
/// A double ack: "+ACK" sent as a request, done when the server confirms it. The client's own
/// double ack decodes the server's empty confirmation with a serializer that throws on it (the
/// exception is swallowed, but two thrown per message cost measurable CPU), so the request is made
/// here with a raw reply instead.
/// </summary>
internal static class ConfirmedAck
{
    private static readonly ReadOnlySequence<byte> AckPayload = new("+ACK"u8.ToArray());

    public static async ValueTask SendAsync(INatsJSMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        var connection = msg.Connection ?? throw new InvalidOperationException("The message did not come from a consumer.");
        var replyTo = string.IsNullOrEmpty(msg.ReplyTo) ? throw new InvalidOperationException("The message has no reply subject to acknowledge.") : msg.ReplyTo;
        var confirmation = await connection.RequestAsync<ReadOnlySequence<byte>, byte[]>(
            replyTo,
            AckPayload,
            requestSerializer: NatsRawSerializer<ReadOnlySequence<byte>>.Default,
            replySerializer: NatsRawSerializer<byte[]>.Default,
            cancellationToken: cancellationToken).ConfigureAwait(false);

        // No responders (503) or an error status: the ack was not recorded, so it must not count as done.
        confirmation.EnsureSuccess();
    }
}
