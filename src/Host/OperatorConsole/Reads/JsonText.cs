using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>A message body for people: JSON indented, other UTF-8 as it is, anything else as base64.</summary>
internal static class JsonText
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Pretty(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            // Not JSON: shown as text, or as base64 when it is not text either.
        }

        try
        {
            return StrictUtf8.GetString(data.Span);
        }
        catch (DecoderFallbackException)
        {
            return "base64: " + Convert.ToBase64String(data.Span);
        }
    }

    /// <summary>A string property of a JSON object body, or null.</summary>
    public static string? Property(ReadOnlyMemory<byte> data, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
