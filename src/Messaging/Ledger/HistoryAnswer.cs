using System.Globalization;

namespace OrderHost.Messaging.Ledger;

/// <summary>
/// The answer to one batched direct get (<c>multi_last</c>), put together reply by reply: one message
/// per subject, each counting down the replies left in <c>Nats-Num-Pending</c>, then a 204 end of
/// batch; or a lone 404 "No Results" when nothing matches. Anything else — another status, a 404
/// after messages, a gap in the countdown, a subject outside the filter — throws: a step is "not
/// there" only in a whole answer.
/// </summary>
internal sealed class HistoryAnswer(string filter)
{
    private const int EndOfBatch = 204;
    private const int NotFound = 404;
    private const string NoResults = "No Results";

    private readonly List<StoredEvent> _events = [];
    private ulong? _pending;

    public IReadOnlyList<StoredEvent> Events => _events;

    /// <summary>Takes the next reply; true when the answer is complete.</summary>
    public bool Add(NatsMsg<byte[]> reply)
    {
        var headers = reply.Headers;
        var code = headers?.Code ?? 0;
        switch (code)
        {
            case 0:
                AddMessage(reply);
                return false;
            case EndOfBatch when Number(reply, "Nats-Num-Pending") is 0 && _pending is null or 0:
                return true;
            case NotFound when _pending is null && headers?.MessageText == NoResults:
                return true;
            default:
                throw Failed($"{code} {headers?.MessageText} after {_events.Count} messages");
        }
    }

    private void AddMessage(NatsMsg<byte[]> reply)
    {
        var pending = Number(reply, "Nats-Num-Pending") ?? throw Failed("a reply without Nats-Num-Pending");
        if (_pending is { } before && pending + 1 != before)
        {
            throw Failed($"a reply is missing ({before} pending, then {pending})");
        }

        _pending = pending;
        var subject = Header(reply, "Nats-Subject");
        if (!SubjectPattern.Matches(filter, subject))
        {
            throw Failed($"an answer for '{subject}', which the filter does not match");
        }

        var sequence = Number(reply, "Nats-Sequence") ?? throw Failed("a reply without Nats-Sequence");
        var time = Header(reply, "Nats-Time-Stamp");
        _events.Add(new StoredEvent(subject, sequence, time.Length > 0 ? ServerTime.Parse(time) : default, reply.Data ?? []));
    }

    private InvalidOperationException Failed(string what) => new($"Reading the history '{filter}' cannot tell: {what}.");

    private static string Header(NatsMsg<byte[]> reply, string name)
        => reply.Headers is not null && reply.Headers.TryGetValue(name, out var value) ? value.ToString() : string.Empty;

    private static ulong? Number(NatsMsg<byte[]> reply, string name)
        => ulong.TryParse(Header(reply, name), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
