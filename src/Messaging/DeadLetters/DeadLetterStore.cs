using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Ledger;
using OrderHost.Messaging.Publishing;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>
/// Reads, replays and removes entries of the dead-letter stream for operators. Replaying or deleting an
/// entry settles it: a marker is stored under the original message's sequence before the entry is
/// removed, so a late copy of the same dead letter can never bring it back (see <see cref="DeadLetterSubjects"/>).
/// </summary>
public sealed class DeadLetterStore(
    [FromKeyedServices(MessagingIdentities.Operator)] INatsJSContext jetStream,
    DeadLetterSubjects subjects,
    IOptions<NatsOptions> options)
{
    public const int MaxPageSize = 100;

    private string StreamName => options.Value.DeadLetterStream.Name;

    /// <summary>Live entries after <paramref name="afterSequence"/>, oldest first; settled markers are not listed.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(ulong afterSequence, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxPageSize);
        var stream = await jetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var entries = new List<DeadLetter>(limit);
        var next = afterSequence + 1;
        while (entries.Count < limit && next <= stream.Info.State.LastSeq)
        {
            var stored = await ReadAsync(stream, new StreamMsgGetRequest { Seq = next, NextBySubj = subjects.EntryFilter }, cancellationToken).ConfigureAwait(false);
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
        return stored is not null && subjects.IsEntry(stored.Subject) ? ToDeadLetter(stored) : null;
    }

    /// <summary>
    /// Publishes the original message again on its original subject, then settles the entry (marker,
    /// then removal), so one entry is replayed once. When the entity's history has moved past the original,
    /// the step is done already: nothing is published and the entry is settled. What is published is read from the source stream by the
    /// sequence the entry names, never taken from the entry itself: modules may write dead
    /// letters, and a replay runs as the operator, so an entry must not be able to smuggle in an
    /// event its writer may not publish.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(ulong sequence, CancellationToken cancellationToken)
    {
        var letter = await FindAsync(sequence, cancellationToken).ConfigureAwait(false);
        if (letter is null)
        {
            return ReplayResult.NotFound;
        }

        var source = options.Value.Stream.Name;
        var subject = letter.Headers.GetValueOrDefault(MessageHeaders.DeadLetterSubject);
        // The entry must be filed under the message it names, or settling it would mark another one.
        var original = subject is not null
            && letter.StreamSequence is { } originalSequence
            && letter.Subject == subjects.EntryFor(originalSequence, subject)
            && letter.Headers.GetValueOrDefault(MessageHeaders.DeadLetterStream) == source
                ? await ReadAsync(await jetStream.GetStreamAsync(source, cancellationToken: cancellationToken).ConfigureAwait(false), new StreamMsgGetRequest { Seq = originalSequence }, cancellationToken).ConfigureAwait(false)
                : null;
        if (original is null || original.Subject != subject)
        {
            return ReplayResult.OriginalUnavailable;
        }

        var headers = new NatsHeaders();
        foreach (var (key, value) in HeaderBlock.Parse(original.Hdrs))
        {
            if (!key.StartsWith("Nats-", StringComparison.OrdinalIgnoreCase))
            {
                headers[key] = value;
            }
        }

        // A retried replay of the same entry within the duplicate window is dropped by the stream.
        var messageId = $"replay:{StreamName}:{sequence.ToString(CultureInfo.InvariantCulture)}";
        // A replay is a conditional append like any step: only while nothing has followed the original
        // in its entity's history, so a replayed step can never add a second successor.
        var condition = LedgerSubjects.HistoryFilterOf(subject) is { } history && LedgerSubjects.IdOf(subject) is not null
            ? new NatsJSPubOpts { ExpectedLastSubjectSequence = original.Seq, ExpectedLastSubjectSequenceSubject = history }
            : null;
        try
        {
            await JetStreamPublisher.PublishRawAsync(jetStream, subject, original.Data.ToArray(), headers, messageId, cancellationToken, condition).ConfigureAwait(false);
        }
        catch (PublishRejectedException ex) when (ex.ErrorCode == JetStreamLedger.WrongLastSequence)
        {
            await SettleAsync(letter, "already_done", cancellationToken).ConfigureAwait(false);
            return ReplayResult.AlreadyDone;
        }

        // Published first, settled after: a failure in between leaves the entry to replay again, and the
        // ledger's condition (or the message id) keeps that second replay from publishing twice.
        await SettleAsync(letter, "replayed", cancellationToken).ConfigureAwait(false);
        return ReplayResult.Replayed;
    }

    /// <summary>Removes an entry without replaying it; its marker stays, so the same dead letter is never written again.</summary>
    public async Task<bool> DeleteAsync(ulong sequence, CancellationToken cancellationToken)
    {
        var letter = await FindAsync(sequence, cancellationToken).ConfigureAwait(false);
        return letter is not null && await SettleAsync(letter, "deleted", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores the settled marker under the entry's original sequence, on condition that the entry is
    /// still the last thing stored there (one settlement wins), then removes the entry. A refused
    /// marker means it was settled already; the entry is removed all the same.
    /// </summary>
    private async Task<bool> SettleAsync(DeadLetter letter, string outcome, CancellationToken cancellationToken)
    {
        if (subjects.SequenceOf(letter.Subject) is { } originalSequence)
        {
            var headers = new NatsHeaders
            {
                [MessageHeaders.DeadLetterSettled] = outcome,
                [MessageHeaders.DeadLetterEntry] = letter.Sequence.ToString(CultureInfo.InvariantCulture),
            };
            var ack = await jetStream.PublishAsync(
                subjects.SettledFor(originalSequence),
                Array.Empty<byte>(),
                serializer: NatsRawSerializer<byte[]>.Default,
                opts: new NatsJSPubOpts { ExpectedLastSubjectSequence = letter.Sequence, ExpectedLastSubjectSequenceSubject = subjects.KeyFilterFor(originalSequence) },
                headers: headers,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (ack.Error is { } error && error.ErrCode != JetStreamLedger.WrongLastSequence)
            {
                throw new PublishRejectedException(subjects.SettledFor(originalSequence), error.Code, error.ErrCode, error.Description);
            }
        }

        return await RemoveAsync(letter.Sequence, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> RemoveAsync(ulong sequence, CancellationToken cancellationToken)
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
