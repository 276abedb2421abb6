using System.Globalization;

namespace OrderHost.Messaging.KeyValue;

/// <summary>
/// The answer to one batched direct get, put together reply by reply: one message per key that
/// exists (a delete or purge marker is a key that does not), each counting down the replies left
/// in <c>Nats-Num-Pending</c>, then a 204 "EOB" status; or a lone 404 "No Results" when no key
/// exists. Anything else — another status, a 404 after entries, a gap in the countdown, an
/// end-of-batch with replies still pending — throws: a key is "not there" only in a whole answer.
/// </summary>
internal sealed class MultiLastAnswer(string bucket, string subjectPrefix, IReadOnlySet<string> asked)
{
    private const int EndOfBatch = 204;
    private const int NotFound = 404;
    private const string NoResults = "No Results";

    private readonly Dictionary<string, KeyRecord> _found = new(StringComparer.Ordinal);
    private ulong? _pending;

    /// <summary>The keys that exist, once <see cref="Add"/> returned true.</summary>
    public Dictionary<string, KeyRecord> Found => _found;

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
                throw Failed($"{code} {headers?.MessageText} after {_found.Count} records");
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
        var key = subject.StartsWith(subjectPrefix, StringComparison.Ordinal) ? subject[subjectPrefix.Length..] : null;
        if (key is null || !asked.Contains(key))
        {
            throw Failed($"an answer for '{subject}', which was not asked for");
        }

        if (IsDeleteMarker(reply))
        {
            return;
        }

        var revision = Number(reply, "Nats-Sequence") ?? throw Failed("a reply without Nats-Sequence");
        _found[key] = new KeyRecord(key, reply.Data ?? [], revision);
    }

    // The key-value store's delete and purge markers, and the server's own markers (subject delete marker TTLs).
    private static bool IsDeleteMarker(NatsMsg<byte[]> reply)
        => Header(reply, "KV-Operation") is "DEL" or "PURGE" || Header(reply, "Nats-Marker-Reason").Length > 0;

    private InvalidOperationException Failed(string what) => new($"Batched lookup on bucket '{bucket}' cannot tell: {what}.");

    private static string Header(NatsMsg<byte[]> reply, string name)
        => reply.Headers is not null && reply.Headers.TryGetValue(name, out var value) ? value.ToString() : string.Empty;

    private static ulong? Number(NatsMsg<byte[]> reply, string name)
        => ulong.TryParse(Header(reply, name), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
