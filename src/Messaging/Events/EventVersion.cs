using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrderHost.Messaging.Events;

/// <summary>
/// An older version of an event that consumers still read: its own JSON shape and how it becomes
/// the current version (the upcast).
/// </summary>
public sealed class EventVersion<TEvent>
    where TEvent : class, IIntegrationEvent
{
    private readonly Func<ReadOnlyMemory<byte>, TEvent?> _decode;

    internal EventVersion(int version, JsonTypeInfo shape, Func<ReadOnlyMemory<byte>, TEvent?> decode)
    {
        Version = version;
        Shape = shape;
        _decode = decode;
    }

    public int Version { get; }

    /// <summary>The JSON contract of this version (for schemas).</summary>
    public JsonTypeInfo Shape { get; }

    internal TEvent? Decode(ReadOnlyMemory<byte> data) => _decode(data);
}

/// <summary>Declares older event versions.</summary>
public static class EventVersion
{
    /// <summary>Version <paramref name="version"/> is read with <paramref name="shape"/> and turned into the current event by <paramref name="upcast"/>.</summary>
    public static EventVersion<TEvent> Upcast<TOld, TEvent>(int version, JsonTypeInfo<TOld> shape, Func<TOld, TEvent> upcast)
        where TOld : class
        where TEvent : class, IIntegrationEvent
        => new(version, shape, data => JsonSerializer.Deserialize(data.Span, shape) is { } old ? upcast(old) : null);
}
