using System.Globalization;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>
/// The dead-letter stream's subject layout, keyed by the original message's stream sequence:
/// an entry is <c>dlq.orders.{seq}.{step}.{id}</c> (the original <c>orders.{step}.{id}</c> under its
/// sequence), and an entry that was replayed or deleted leaves the settled marker
/// <c>dlq.orders.{seq}.settled</c>. Everything about one original message is <c>dlq.orders.{seq}.&gt;</c>,
/// so "nothing stored there yet" is the one condition under which an entry may be written, forever.
/// Entries have five tokens and markers four, so <see cref="EntryFilter"/> lists entries only.
/// </summary>
public static class DeadLetterSubjects
{
    public const string Prefix = "dlq.orders.";

    /// <summary>Every live entry, whatever its sequence and original subject.</summary>
    public const string EntryFilter = "dlq.orders.*.*.*";

    /// <summary>Stands for the step and id of an original message that is no longer in the stream.</summary>
    internal const string UnknownOrigin = "unavailable.unknown";

    private const string Settled = "settled";

    /// <summary>The entry subject of the message stored at <paramref name="sequence"/> on <paramref name="originalSubject"/>.</summary>
    public static string EntryFor(ulong sequence, string? originalSubject) => $"{KeyOf(sequence)}.{OriginOf(originalSubject)}";

    /// <summary>Everything stored about one original message: its entry and its settled marker.</summary>
    public static string KeyFilterFor(ulong sequence) => KeyOf(sequence) + ".>";

    public static string SettledFor(ulong sequence) => $"{KeyOf(sequence)}.{Settled}";

    /// <summary>True for an entry subject (five tokens under the prefix), false for a settled marker or anything else.</summary>
    public static bool IsEntry(string subject)
        => subject.StartsWith(Prefix, StringComparison.Ordinal) && subject.AsSpan(Prefix.Length).Count('.') == 2;

    /// <summary>The original stream sequence an entry or marker subject is filed under, or null when it is not one of them.</summary>
    public static ulong? SequenceOf(string subject)
    {
        if (!subject.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = subject.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        return dot > 0 && ulong.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }

    private static string KeyOf(ulong sequence) => Prefix + sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>{step}.{id}</c> of a ledger subject <c>orders.{step}.{id}</c>. Anything else (a subject of
    /// another shape, or none because the original is gone) is filed as <see cref="UnknownOrigin"/>
    /// so that every entry keeps the five-token shape the listing relies on.
    /// </summary>
    private static string OriginOf(string? subject)
    {
        if (subject is null)
        {
            return UnknownOrigin;
        }

        var parts = subject.Split('.');
        return parts.Length == 3 && parts.All(p => p.Length > 0 && p.IndexOfAny(['*', '>', ' ']) < 0) ? $"{parts[1]}.{parts[2]}" : UnknownOrigin;
    }
}
