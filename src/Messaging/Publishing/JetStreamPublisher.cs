namespace OrderHost.Messaging.Publishing;

/// <summary>Plain publishes outside the ledger (dead letters, replays): stored once per message id, no condition.</summary>
internal static class JetStreamPublisher
{
    internal static async Task<PublishReceipt> PublishRawAsync(
        INatsJSContext jetStream,
        string subject,
        byte[] data,
        NatsHeaders headers,
        string messageId,
        CancellationToken cancellationToken,
        NatsJSPubOpts? opts = null)
    {
        var ack = await jetStream.PublishAsync(
            subject,
            data,
            serializer: NatsRawSerializer<byte[]>.Default,
            opts: (opts ?? new NatsJSPubOpts()) with { MsgId = messageId },
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
