namespace OrderHost.Messaging.Configuration;

/// <summary>
/// Name, subjects and retention limits of a stream. At a limit the ledger discards its oldest
/// messages; the dead-letter and advisory streams refuse new ones instead (see <see cref="RefuseWhenFull"/>).
/// </summary>
public sealed class StreamLimitsOptions
{
    /// <summary>The stream's name; the ledger definition names it unless configured.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// Subjects the stream captures; empty means <see cref="DefaultSubjects"/>. (The configuration
    /// binder appends to a pre-filled array instead of replacing it, so the default lives apart.)
    /// </summary>
    public string[] Subjects { get; set; } = [];

    internal string[] DefaultSubjects { get; set; } = [];

    internal string[] EffectiveSubjects => Subjects.Length > 0 ? Subjects : DefaultSubjects;

    /// <summary>
    /// The subject a dead letter is filed under when its original message is gone from the stream: the first token of
    /// the stream's first subject, then <c>unavailable</c> (<c>shipments.unavailable</c> for <c>shipments.&gt;</c>).
    /// </summary>
    internal string UnavailableSubject => $"{EffectiveSubjects[0].Split('.')[0]}.unavailable";

    /// At a limit, refuse new messages (discard new) rather than drop the oldest: set for streams whose
    /// oldest messages are the ones still waiting for attention, where dropping would lose them silently.
    /// </summary>
    internal bool RefuseWhenFull { get; init; }

    /// <summary>The name and subjects a ledger definition gives, where configuration named none.</summary>
    internal void NameUnlessConfigured(string name, IEnumerable<string> subjects)
    {
        if (Name.Length == 0)
        {
            Name = name;
        }

        DefaultSubjects = [.. subjects];
    }

    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>-1 means unlimited.</summary>
    public long MaxMessages { get; set; } = 10_000_000;

    /// <summary>-1 means unlimited. The server reserves this much of its file store for the stream.</summary>
    public long MaxBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Window in which a repeated <c>Nats-Msg-Id</c> is dropped as a duplicate.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(2);
}
