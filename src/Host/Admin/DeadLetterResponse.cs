using System.Text;
using OrderHost.Messaging.DeadLetters;

namespace OrderHost.Host.Admin;

/// <summary>A dead letter as JSON; the body is shown as text when it is UTF-8, else as base64.</summary>
internal sealed record DeadLetterResponse(
    ulong Sequence,
    string Subject,
    string? Reason,
    string? Consumer,
    ulong? StreamSequence,
    ulong? Deliveries,
    DateTimeOffset DeadLetteredAt,
    IReadOnlyDictionary<string, string> Headers,
    string? Data,
    string? DataBase64)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static DeadLetterResponse From(DeadLetter letter)
    {
        string? text = null;
        try
        {
            text = StrictUtf8.GetString(letter.Data.Span);
        }
        catch (DecoderFallbackException)
        {
            // Not text: show it as base64 instead.
        }

        return new DeadLetterResponse(
            letter.Sequence, letter.Subject, letter.Reason, letter.Consumer, letter.StreamSequence, letter.Deliveries, letter.DeadLetteredAt,
            letter.Headers, text, text is null ? Convert.ToBase64String(letter.Data.Span) : null);
    }
}

internal sealed record DeadLetterPage(IReadOnlyList<DeadLetterResponse> Items, ulong? NextAfter);

/// <summary>
/// Properties, not constructor parameters: a value of the wrong type is then reported against the
/// property's own type, so the 400 can say a number was expected.
/// </summary>
internal sealed record ConsumerReplayRequest
{
    public ulong? FromSequence { get; init; }

    public DateTimeOffset? FromTime { get; init; }
}

internal sealed record ConsumerReplayResponse(string Consumer, ulong ResetToSequence);
