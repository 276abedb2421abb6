using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation.Results;

namespace OrderHost.Host.Http;

/// <summary>
/// Turns a JSON reading error into a field error a client can act on, without the serializer's
/// wording (which names internal .NET types).
/// </summary>
internal static partial class JsonBodyErrors
{
    public static ValidationFailure Describe(JsonException exception)
    {
        var field = FieldOf(exception.Path);
        var message = exception.Message;
        var name = QuotedName().Match(message) is { Success: true } m ? m.Groups[1].Value : null;
        var text = message switch
        {
            _ when message.Contains("Duplicate property", StringComparison.Ordinal) => $"property '{name}' appears more than once",
            _ when message.Contains("could not be mapped", StringComparison.Ordinal) => $"unknown property '{name}'",
            _ when message.Contains("too large or too small", StringComparison.Ordinal) => "number out of range",
            _ when message.Contains("could not be converted", StringComparison.Ordinal) => "value of the wrong type",
            _ when exception.LineNumber is { } line => string.Create(
                CultureInfo.InvariantCulture, $"malformed JSON at line {line + 1}, byte {exception.BytePositionInLine + 1}"),
            _ => "malformed JSON",
        };
        return new ValidationFailure(field, $"Invalid request body: {text}.");
    }

    // "$.items[0].quantity" -> "items[0].quantity"; the root -> "body".
    private static string FieldOf(string? path)
        => string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');

    [GeneratedRegex("'([^']{1,64})'")]
    private static partial Regex QuotedName();
}
