using System.Globalization;

namespace OrderHost.Messaging.Consuming;

/// <summary>
/// The delivery facts JetStream encodes in a message's reply subject, read without splitting it:
/// the client's own parser allocates a string per token on every message (a tenth of the bytes
/// allocated per message). Forms: <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;stream seq&gt;.&lt;consumer seq&gt;.&lt;nanos&gt;.&lt;pending&gt;</c>
/// and, with a domain and account hash after <c>$JS.ACK</c>, eleven or more tokens.
/// </summary>
internal readonly record struct AckSubject(ulong DeliveryCount, ulong StreamSequence, DateTimeOffset Timestamp)
{
    private const int MaxTokens = 16;

    public static bool TryParse(string? replyTo, out AckSubject parsed)
    {
        parsed = default;
        if (replyTo is null || !replyTo.StartsWith("$JS.ACK.", StringComparison.Ordinal))
        {
            return false;
        }

        var span = replyTo.AsSpan();
        Span<Range> tokens = stackalloc Range[MaxTokens + 1];
        var count = span.Split(tokens, '.');
        var first = count switch
        {
            9 => 4,
            >= 11 and <= MaxTokens => 6,
            _ => -1,
        };
        if (first < 0
            || !ulong.TryParse(span[tokens[first]], NumberStyles.None, CultureInfo.InvariantCulture, out var delivered)
            || !ulong.TryParse(span[tokens[first + 1]], NumberStyles.None, CultureInfo.InvariantCulture, out var streamSequence)
            || !long.TryParse(span[tokens[first + 3]], NumberStyles.None, CultureInfo.InvariantCulture, out var nanos))
        {
            return false;
        }

        parsed = new AckSubject(delivered, streamSequence, DateTimeOffset.UnixEpoch.AddTicks(nanos / 100));
        return true;
    }
}
