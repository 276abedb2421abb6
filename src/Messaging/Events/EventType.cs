using System.Text.Json.Serialization.Metadata;

namespace OrderHost.Messaging.Events;

/// <summary>
/// One event on one subject: what a contract publishes so that publishers and consumers agree
/// on subject, JSON shape and the versions a consumer can read. Publishers always write the
/// current version; consumers also read every older version listed, upcast to the current one.
/// </summary>
public sealed class EventType<TEvent> : IEventType
    where TEvent : class, IIntegrationEvent
{
    private readonly Dictionary<int, EventVersion<TEvent>> _older;

    public EventType(
        string subject,
        int currentVersion,
        JsonTypeInfo<TEvent> jsonTypeInfo,
        Func<TEvent, string?>? validate = null,
        params IReadOnlyList<EventVersion<TEvent>> olderVersions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        Subject = subject;
        CurrentVersion = currentVersion;
        JsonTypeInfo = jsonTypeInfo;
        Validate = validate ?? (_ => null);
        _older = olderVersions.ToDictionary(v => v.Version);
        if (_older.ContainsKey(currentVersion))
        {
            throw new ArgumentException($"Version {currentVersion} of {subject} is both current and older.", nameof(olderVersions));
        }
    }

    /// <summary>The step's subject: each event is stored on <c>{Subject}.{aggregateId}</c>, its ledger subject.</summary>
    public string Subject { get; }

    /// <summary>The subject one aggregate's event of this type is stored on.</summary>
    public string SubjectFor(Guid aggregateId) => Ledger.LedgerSubjects.For(Subject, aggregateId);

    /// <summary>Every aggregate's event of this type: the filter of a consumer of this step.</summary>
    public string Filter => Ledger.LedgerSubjects.StepFilter(Subject);

    public string Name => typeof(TEvent).Name;

    public int CurrentVersion { get; }

    public JsonTypeInfo<TEvent> JsonTypeInfo { get; }

    /// <summary>Returns why an event is invalid, or null when it is valid.</summary>
    public Func<TEvent, string?> Validate { get; }

    /// <summary>Every version consumers of this event read, oldest first.</summary>
    public IReadOnlyList<int> SupportedVersions => [.. _older.Keys.Append(CurrentVersion).Order()];

    /// <summary>The older versions, for schema generation.</summary>
    public IEnumerable<EventVersion<TEvent>> OlderVersions => _older.Values.OrderBy(v => v.Version);

    public IEnumerable<(string FileName, System.Text.Json.Nodes.JsonNode Schema)> Schemas(Ledger.LedgerDefinition ledger) => EventSchema.For(this, ledger);

    internal bool TryGetOlder(int version, out EventVersion<TEvent> older) => _older.TryGetValue(version, out older!);
}
