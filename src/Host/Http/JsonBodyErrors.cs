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
        var message = exception.Message;
        var trailingComma = message.Contains("trailing comma", StringComparison.Ordinal);
        var arrayTrailingComma = message.Contains("array contains a trailing comma", StringComparison.Ordinal);
        var name = QuotedName().Match(message) is { Success: true } m ? m.Groups[1].Value : null;
        var at = exception.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, byte {exception.BytePositionInLine + 1}")
            : string.Empty;
        var text = message switch
        {
            _ when message.Contains("Duplicate property", StringComparison.Ordinal) => $"property '{name}' appears more than once",
            _ when message.Contains("could not be mapped", StringComparison.Ordinal) => $"unknown property '{name}' (names are case-sensitive)",
            _ when message.Contains("too large or too small", StringComparison.Ordinal) => "number out of range",
            _ when message.Contains("could not be converted", StringComparison.Ordinal) => NumberTarget().IsMatch(message)
                ? "value of the wrong type or size (expected an unquoted number)"
                : "value of the wrong type",
            _ when trailingComma => $"trailing comma{at}",
            _ when name == "/" => $"'/'{at}: JSON has no comments",
            _ => $"malformed JSON{at}",
        };

        // An array's trailing comma has the path of the element that would follow it ("items[1]"): name the array.
        var field = FieldOf(arrayTrailingComma ? TrailingIndex().Replace(exception.Path ?? string.Empty, string.Empty) : exception.Path);
        return new ValidationFailure(field, $"Invalid request body: {text}.");
    }

    // "$.items[0].quantity" -> "items[0].quantity"; the root -> "body".
    private static string FieldOf(string? path)
        => string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');

    [GeneratedRegex("'([^']{1,64})'")]
    private static partial Regex QuotedName();

    // The serializer names the .NET type it was reading into; these are the API's number fields.
    [GeneratedRegex(@"converted to System\.(Nullable`1\[System\.)?(Decimal|U?Int(16|32|64)|Double|Single)\b")]
    private static partial Regex NumberTarget();

    [GeneratedRegex(@"\[\d+\]$")]
    private static partial Regex TrailingIndex();
}
