using System.Net;
using System.Text.Json;

namespace OrderHost.Tests.Infrastructure;

/// <summary>What an HTTP call answered, read completely, so tests and poll messages can show it.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Body, string? Location, TimeSpan Elapsed)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    public bool IsProblemDetails => MediaType == "application/problem+json";

    /// <summary>
    /// Field names of a validation problem: FastEndpoints writes <c>errors</c> as [{"name","reason"}],
    /// ASP.NET Core as {"field":["message"]}; both are read.
    /// </summary>
    public IReadOnlyList<string> ErrorFields()
    {
        if (!TryJson(out var json) || !json.TryGetProperty("errors", out var errors))
        {
            return [];
        }

        return errors.ValueKind switch
        {
            JsonValueKind.Array => [.. errors.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out _))
                .Select(e => e.GetProperty("name").GetString() ?? string.Empty)],
            JsonValueKind.Object => [.. errors.EnumerateObject().Select(p => p.Name)],
            _ => [],
        };
    }

    public override string ToString()
        => $"{(int)Status} {Status} ({MediaType ?? "no content type"}, {Elapsed.TotalMilliseconds:0} ms) {Truncate(Body, 600)}";

    private bool TryJson(out JsonElement json)
    {
        try
        {
            json = Json();
            return true;
        }
        catch (JsonException)
        {
            json = default;
            return false;
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
