using System.Buffers;
using System.Globalization;
using System.Text.Json;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.Publishing;

namespace OrderHost.Messaging.Ledger;

/// <summary>
/// The ledger on one stream, over one identity's JetStream context. An append unanswered is sent again
/// (<see cref="PublishRetry"/>) within <c>requestTimeout</c>: its message id makes a repeat harmless.
/// </summary>
internal sealed class JetStreamLedger(
    INatsJSContext jetStream,
    string stream,
    TimeSpan requestTimeout,
    MessagingMetrics? metrics = null,
    PublishRetry? publishRetry = null) : IEventLedger
{
    private readonly PublishRetry _publishRetry = publishRetry ?? new PublishRetry(requestTimeout, requestTimeout, null, TimeProvider.System);

    /// <summary>"wrong last sequence": the stream leader refused a conditional append.</summary>
    internal const int WrongLastSequence = 10071;

    /// <summary>More than any history holds subjects (a history has a handful of steps).</summary>
    private const int HistoryBatch = 64;

    private readonly string _directGetSubject = $"{jetStream.Opts.Prefix}.DIRECT.GET.{stream}";

    public async Task<AppendResult> AppendAsync<TEvent>(
        EventType<TEvent> type,
        TEvent evt,
        string subject,
        string messageId,
        AppendCondition condition,
        string correlationId,
        CancellationToken cancellationToken)
        where TEvent : class, IIntegrationEvent
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var data = EventCodec.Encode(type, evt);
        using var activity = MessageActivity.StartPublish(subject);

        var opts = new NatsJSPubOpts
        {
            MsgId = messageId,
            ExpectedLastSubjectSequence = condition.ExpectedLastSequence,
            ExpectedLastSubjectSequenceSubject = condition.Filter,
        };
        var ack = await _publishRetry.RunAsync(
            attempt =>
            {
                // A fresh headers object per publish: the client writes Nats-Msg-Id and the expectations into it.
                var headers = new NatsHeaders { [MessageHeaders.CorrelationId] = correlationId };
                MessageActivity.InjectContext(headers);
                return jetStream.PublishAsync(subject, data, serializer: NatsRawSerializer<byte[]>.Default, opts: opts, headers: headers, cancellationToken: attempt);
            },
            cancellationToken).ConfigureAwait(false);

        if (ack.Error is { ErrCode: WrongLastSequence } refused)
        {
            metrics?.Appended(type.Subject, "refused");
            return new AppendResult(ParseLastSequence(refused.Description), Duplicate: false, Refused: true);
        }

        if (ack.Error is { } error)
        {
            throw new PublishRejectedException(subject, error.Code, error.ErrCode, error.Description);
        }

        metrics?.Appended(type.Subject, ack.Duplicate ? "duplicate" : "stored");
        return new AppendResult(ack.Seq, ack.Duplicate, Refused: false);
    }

    public Task<StoredEvent?> ReadLastAsync(string filter, CancellationToken cancellationToken)
        => StreamMessageGet.RequestAsync(
            jetStream,
            stream,
            JsonSerializer.SerializeToUtf8Bytes(new LastBySubjectRequest(filter), LedgerJsonContext.Default.LastBySubjectRequest),
            $"the last message of '{filter}'",
            requestTimeout,
            cancellationToken);

    public async Task<IReadOnlyList<StoredEvent>> ReadLastPerSubjectAsync(string filter, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(requestTimeout);
        var connection = jetStream.Connection;
        try
        {
            // A reply subject of its own, so that no late reply to an earlier request mixes in.
            var replyTo = connection.NewInbox();
            await using var replies = await connection.SubscribeCoreAsync(
                replyTo,
                serializer: NatsRawSerializer<byte[]>.Default,
                opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 2 * HistoryBatch } },
                cancellationToken: deadline.Token).ConfigureAwait(false);
            var body = JsonSerializer.SerializeToUtf8Bytes(new MultiLastRequest([filter], HistoryBatch), LedgerJsonContext.Default.MultiLastRequest);
            await connection.PublishAsync(_directGetSubject, body, replyTo: replyTo, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: deadline.Token)
                .ConfigureAwait(false);

            var answer = new HistoryAnswer(filter);
            while (!answer.Add(await replies.Msgs.ReadAsync(deadline.Token).ConfigureAwait(false)))
            {
            }

            return answer.Events;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Reading the history '{filter}' got no complete answer within {requestTimeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>The server says "wrong last sequence: N".</summary>
    private static ulong ParseLastSequence(string? description)
    {
        var colon = description?.LastIndexOf(':') ?? -1;
        return colon >= 0 && ulong.TryParse(description.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : 0;
    }
}
