using System.Globalization;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Publishing;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>Reads, replays and removes entries of the dead-letter stream for operators.</summary>
public sealed class DeadLetterStore(INatsJSContext jetStream, IOptions<NatsOptions> options)
{
    public const int MaxPageSize = 100;

    private string StreamName => options.Value.DeadLetterStream.Name;

    /// <summary>Entries after <paramref name="afterSequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(ulong afterSequence, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxPageSize);
        var stream = await jetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var entries = new List<DeadLetter>(limit);
        var next = afterSequence + 1;
        while (entries.Count < limit && next <= stream.Info.State.LastSeq)
        {
            var stored = await ReadAsync(stream, new StreamMsgGetRequest { Seq = next, NextBySubj = ">" }, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                break;
            }

            entries.Add(ToDeadLetter(stored));
            next = stored.Seq + 1;
        }

        return entries;
    }

    public async Task<DeadLetter?> FindAsync(ulong sequence, CancellationToken cancellationToken)
    {
        var stream = await jetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var stored = await ReadAsync(stream, new StreamMsgGetRequest { Seq = sequence }, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : ToDeadLetter(stored);
    }

    /// <summary>
    /// Publishes the original message again on its original subject, then removes the entry, so
    /// one entry is replayed once. Returns false when there is no such entry.
    /// </summary>
    public async Task<bool> ReplayAsync(ulong sequence, CancellationToken cancellationToken)
    {
        var letter = await FindAsync(sequence, cancellationToken).ConfigureAwait(false);
        if (letter is null)
        {
            return false;
        }

        var original = letter.Subject.StartsWith(DeadLetterWriter.SubjectPrefix, StringComparison.Ordinal)
            ? letter.Subject[DeadLetterWriter.SubjectPrefix.Length..]
            : letter.Subject;
        var headers = new NatsHeaders();
        foreach (var (key, value) in letter.Headers)
        {
            if (!key.StartsWith("OrderHost-Dlq-", StringComparison.OrdinalIgnoreCase)
                && !key.StartsWith("Nats-", StringComparison.OrdinalIgnoreCase))
            {
                headers[key] = value;
            }
        }

        // A retried replay of the same entry within the duplicate window is dropped by the stream.
        var messageId = $"replay:{StreamName}:{sequence.ToString(CultureInfo.InvariantCulture)}";
        await JetStreamPublisher.PublishRawAsync(jetStream, original, letter.Data.ToArray(), headers, messageId, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(sequence, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> DeleteAsync(ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            var response = await jetStream.DeleteMessageAsync(StreamName, new StreamMsgDeleteRequest { Seq = sequence, NoErase = true }, cancellationToken).ConfigureAwait(false);
            return response.Success;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404 || ex.Error.ErrCode == 10037)
        {
            return false;
        }
    }

    private static async Task<StoredMessage?> ReadAsync(INatsJSStream stream, StreamMsgGetRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await stream.GetAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Message;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    private static DeadLetter ToDeadLetter(StoredMessage stored)
    {
        var headers = HeaderBlock.Parse(stored.Hdrs);
        return new DeadLetter(
            stored.Seq,
            stored.Subject,
            headers.GetValueOrDefault(MessageHeaders.DeadLetterReason),
            headers.GetValueOrDefault(MessageHeaders.DeadLetterConsumer),
            ParseSequence(headers.GetValueOrDefault(MessageHeaders.DeadLetterSequence)),
            ParseSequence(headers.GetValueOrDefault(MessageHeaders.DeadLetterDeliveries)),
            stored.Time,
            headers,
            stored.Data);
    }

    private static ulong? ParseSequence(string? text)
        => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
