using System.Globalization;

namespace OrderHost.Messaging.KeyValue;

/// <summary>
/// Reads the replies to a batched direct get: one message per key that exists, then a 204 "EOB"
/// status; a lone 404 when none exists. A delete or purge marker is a key that does not exist.
/// </summary>
internal static class MultiLastReply
{
    private const string OperationHeader = "KV-Operation";
    private const int EndOfBatch = 204;
    private const int NoResults = 404;

    public enum Kind
    {
        Entry,
        Deleted,
        End,
    }

    /// <summary>What one reply is; a status other than end-of-batch or no-results throws.</summary>
    public static Kind Classify(NatsMsg<byte[]> reply, string bucket)
    {
        var headers = reply.Headers;
        var code = headers?.Code ?? 0;
        switch (code)
        {
            case 0:
                return headers is not null && headers.TryGetValue(OperationHeader, out var operation) && operation.ToString() is "DEL" or "PURGE"
                    ? Kind.Deleted
                    : Kind.Entry;
            case EndOfBatch:
                return HeaderNumber(reply, "Nats-Num-Pending") is 0
                    ? Kind.End
                    : throw new InvalidOperationException($"Batched lookup on bucket '{bucket}' ended before every key was answered.");
            case NoResults:
                return Kind.End;
            default:
                throw new InvalidOperationException($"Batched lookup on bucket '{bucket}' failed: {code} {headers?.MessageText}.");
        }
    }

    /// <summary>The key and revision of an <see cref="Kind.Entry"/> reply.</summary>
    public static KeyRecord ToRecord(NatsMsg<byte[]> reply, string subjectPrefix)
    {
        var subject = Header(reply, "Nats-Subject");
        if (!subject.StartsWith(subjectPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Batched lookup answered for '{subject}', outside '{subjectPrefix}'.");
        }

        var revision = HeaderNumber(reply, "Nats-Sequence") ?? throw new InvalidOperationException("Batched lookup reply without Nats-Sequence.");
        return new KeyRecord(subject[subjectPrefix.Length..], reply.Data ?? [], revision);
    }

    private static string Header(NatsMsg<byte[]> reply, string name)
        => reply.Headers is not null && reply.Headers.TryGetValue(name, out var value) ? value.ToString() : string.Empty;

    private static ulong? HeaderNumber(NatsMsg<byte[]> reply, string name)
        => ulong.TryParse(Header(reply, name), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
