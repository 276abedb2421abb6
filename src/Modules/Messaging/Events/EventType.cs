using System.Text.Json.Serialization.Metadata;

namespace OrderHost.Messaging.Events;

/// <summary>
/// One event on one subject: what a contract publishes so that publishers and consumers agree
/// on subject, JSON shape and the versions a consumer can read.
/// </summary>
public sealed class EventType<TEvent>
    where TEvent : class, IIntegrationEvent
{
    public EventType(string subject, int currentVersion, JsonTypeInfo<TEvent> jsonTypeInfo, Func<TEvent, string?>? validate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        Subject = subject;
        CurrentVersion = currentVersion;
        JsonTypeInfo = jsonTypeInfo;
        Validate = validate ?? (_ => null);
    }

    public string Subject { get; }

    public int CurrentVersion { get; }

    public JsonTypeInfo<TEvent> JsonTypeInfo { get; }

    /// <summary>Returns why an event is invalid, or null when it is valid.</summary>
    public Func<TEvent, string?> Validate { get; }
}
