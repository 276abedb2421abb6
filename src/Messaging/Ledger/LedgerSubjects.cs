namespace OrderHost.Messaging.Ledger;

/// <summary>
/// The ledger's subject layout: <c>{root}.{step}.{id}</c>. An entity's history is every step of its
/// id, <c>{root}.*.{id}</c>; a consumer of one step filters on <c>{root}.{step}.*</c>.
/// </summary>
public static class LedgerSubjects
{
    /// <summary>The subject of one step of one entity.</summary>
    public static string For(string stepSubject, Guid id) => string.Create(null, stackalloc char[128], $"{stepSubject}.{id:D}");

    /// <summary>Every message of one step, for consumer filters.</summary>
    public static string StepFilter(string stepSubject) => stepSubject + ".*";

    /// <summary>The step part of a concrete subject (<c>shipments.packed</c> of <c>shipments.packed.{id}</c>), or null when it carries no id token.</summary>
    public static string? StepOf(string subject)
    {
        var lastDot = subject.LastIndexOf('.');
        return lastDot > 0 ? subject[..lastDot] : null;
    }

    /// <summary>The id a concrete subject names, or null when its last token is no canonical UUID.</summary>
    public static Guid? IdOf(string subject)
    {
        var lastDot = subject.LastIndexOf('.');
        return lastDot > 0 && Guid.TryParseExact(subject.AsSpan(lastDot + 1), "D", out var id) ? id : null;
    }

    /// <summary>The history filter of the entity a concrete subject belongs to: its step token replaced by <c>*</c>.</summary>
    public static string? HistoryFilterOf(string subject)
    {
        var lastDot = subject.LastIndexOf('.');
        var stepDot = lastDot > 0 ? subject.LastIndexOf('.', lastDot - 1) : -1;
        return stepDot > 0 ? $"{subject[..stepDot]}.*{subject[lastDot..]}" : null;
    }
}
