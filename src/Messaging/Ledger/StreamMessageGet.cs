using System.Text.Json;

namespace OrderHost.Messaging.Ledger;

/// <summary>
/// <c>$JS.API.STREAM.MSG.GET.{stream}</c>, which only the stream leader answers: never stale. Asked as a bare
/// request, so a module needs only that one permission (no stream info first).
/// </summary>
internal static class StreamMessageGet
{
    /// <summary>"no message found" for a stream message get.</summary>
    private const int NoMessageFound = 10037;

    /// <summary>The message the request names, or null when there is none; any failure to tell throws.</summary>
    public static async Task<StoredEvent?> RequestAsync(
        INatsJSContext jetStream, string stream, byte[] request, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await jetStream.Connection.RequestAsync(
            $"{jetStream.Opts.Prefix}.STREAM.MSG.GET.{stream}",
            request,
            requestSerializer: NatsRawSerializer<byte[]>.Default,
            replySerializer: NatsRawSerializer<byte[]>.Default,
            replyOpts: new NatsSubOpts { Timeout = timeout },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (reply.Headers?.Code is { } code and not 0)
        {
            throw new InvalidOperationException($"Reading {what} failed: {code} {reply.Headers.MessageText}.");
        }

        var response = JsonSerializer.Deserialize(reply.Data ?? [], LedgerJsonContext.Default.StreamMessageResponse)
            ?? throw new InvalidOperationException($"Reading {what} got an empty answer.");
        if (response.Error is { ErrCode: NoMessageFound })
        {
            return null;
        }

        if (response.Error is { } error)
        {
            throw new InvalidOperationException($"Reading {what} failed: {error.Code}/{error.ErrCode} {error.Description}.");
        }

        var message = response.Message ?? throw new InvalidOperationException($"Reading {what} got neither a message nor an error.");
        return new StoredEvent(message.Subject, message.Seq, message.Time is { } time ? ServerTime.Parse(time) : default, message.Data ?? []);
    }

    /// <summary>The first message on <paramref name="filter"/> at or after <paramref name="sequence"/>.</summary>
    public static Task<StoredEvent?> NextAsync(
        INatsJSContext jetStream, string stream, ulong sequence, string filter, TimeSpan timeout, CancellationToken cancellationToken)
        => RequestAsync(
            jetStream,
            stream,
            JsonSerializer.SerializeToUtf8Bytes(new NextBySubjectRequest(sequence, filter), LedgerJsonContext.Default.NextBySubjectRequest),
            $"the next message of '{filter}' from {sequence}",
            timeout,
            cancellationToken);
}
