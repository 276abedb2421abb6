using System.Text.Json;

namespace OrderHost.Messaging.Events;

/// <summary>Turns event bytes into a validated event, or says precisely why it cannot.</summary>
public static class EventCodec
{
    private static ReadOnlySpan<byte> VersionProperty => "version"u8;

    public static byte[] Encode<TEvent>(EventType<TEvent> type, TEvent evt)
        where TEvent : class, IIntegrationEvent
        => JsonSerializer.SerializeToUtf8Bytes(evt, type.JsonTypeInfo);

    public static TEvent Decode<TEvent>(EventType<TEvent> type, ReadOnlyMemory<byte> data)
        where TEvent : class, IIntegrationEvent
    {
        var version = ReadVersion(data.Span);
        EventVersion<TEvent>? older = null;
        if (version != type.CurrentVersion && !type.TryGetOlder(version, out older))
        {
            throw new EventDecodeException(
                $"unsupported version {version} (this consumer reads {string.Join(", ", type.SupportedVersions)})", DeadLetterReasons.UnsupportedVersion);
        }

        TEvent? evt;
        try
        {
            evt = older is null ? JsonSerializer.Deserialize(data.Span, type.JsonTypeInfo) : older.Decode(data);
        }
        catch (JsonException ex)
        {
            throw new EventDecodeException($"malformed JSON: {ex.Message}", DeadLetterReasons.MalformedJson, ex);
        }

        if (evt is null)
        {
            throw new EventDecodeException("malformed JSON: null event", DeadLetterReasons.MalformedJson);
        }

        var invalid = type.Validate(evt);
        return invalid is null ? evt : throw new EventDecodeException($"invalid event: {invalid}", DeadLetterReasons.InvalidEvent);
    }

    /// <summary>Reads the top-level <c>version</c> property without materialising the event.</summary>
    public static int ReadVersion(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new EventDecodeException("malformed JSON: not an object", DeadLetterReasons.MalformedJson);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals(VersionProperty);
                reader.Read();
                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v)
                        ? v
                        : throw new EventDecodeException("malformed JSON: version is not an integer", DeadLetterReasons.MalformedJson);
                }

                reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            throw new EventDecodeException($"malformed JSON: {ex.Message}", DeadLetterReasons.MalformedJson, ex);
        }

        throw new EventDecodeException("missing version", DeadLetterReasons.UnsupportedVersion);
    }
}
