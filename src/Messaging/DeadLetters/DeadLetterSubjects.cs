using System.Globalization;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>
/// The dead-letter stream's subject layout under the ledger's dead-letter root (<c>{dlq}</c>), keyed by the original
/// message's stream sequence: an entry is <c>{dlq}.{seq}.{step}.{id}</c> (the original <c>{root}.{step}.{id}</c> under
/// its sequence), and an entry that was replayed or deleted leaves the settled marker <c>{dlq}.{seq}.settled</c>.
/// Everything about one original message is <c>{dlq}.{seq}.&gt;</c>, so "nothing stored there yet" is the one
/// condition under which an entry may be written, forever. An entry has three tokens after the root and a marker two,
/// so <see cref="EntryFilter"/> lists entries only.
/// </summary>
public sealed class DeadLetterSubjects(LedgerDefinition ledger)
{
    private readonly string _prefix = ledger.DeadLetterSubjectRoot + ".";

    /// <summary>Every live entry, whatever its sequence and original subject.</summary>
    public string EntryFilter => _prefix + "*.*.*";

    /// <summary>Stands for the step and id of an original message that is no longer in the stream.</summary>
    internal const string UnknownOrigin = "unavailable.unknown";

    private const string Settled = "settled";

    /// <summary>The entry subject of the message stored at <paramref name="sequence"/> on <paramref name="originalSubject"/>.</summary>
    public string EntryFor(ulong sequence, string? originalSubject) => $"{KeyOf(sequence)}.{OriginOf(originalSubject)}";

    /// <summary>Everything stored about one original message: its entry and its settled marker.</summary>
    public string KeyFilterFor(ulong sequence) => KeyOf(sequence) + ".>";

    public string SettledFor(ulong sequence) => $"{KeyOf(sequence)}.{Settled}";

    /// <summary>True for an entry subject (three tokens under the root), false for a settled marker or anything else.</summary>
    public bool IsEntry(string subject)
        => subject.StartsWith(_prefix, StringComparison.Ordinal) && subject.AsSpan(_prefix.Length).Count('.') == 2;

    /// <summary>The original stream sequence an entry or marker subject is filed under, or null when it is not one of them.</summary>
    public ulong? SequenceOf(string subject)
    {
        if (!subject.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = subject.AsSpan(_prefix.Length);
        var dot = rest.IndexOf('.');
        return dot > 0 && ulong.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }

    private string KeyOf(ulong sequence) => _prefix + sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>{step}.{id}</c> of a ledger subject <c>{root}.{step}.{id}</c>. Anything else (a subject of
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
