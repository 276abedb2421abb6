using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrderHost.Host.Health;

/// <summary>Writes <c>{"status","checks":[{"name","status","description"}]}</c> so a 503 says why.</summary>
internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new HealthResponse(
            report.Status.ToString(),
            [.. report.Entries.Select(e => new HealthEntry(e.Key, e.Value.Status.ToString(), e.Value.Description))]);
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HostJsonContext.Default.HealthResponse, context.RequestAborted);
    }
}

internal sealed record HealthResponse(string Status, IReadOnlyList<HealthEntry> Checks);

internal sealed record HealthEntry(string Name, string Status, string? Description);
