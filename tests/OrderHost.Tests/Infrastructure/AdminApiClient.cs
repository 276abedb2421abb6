using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Real HTTP calls to the operator endpoints (<c>/admin/…</c>), with or without an <c>X-Api-Key</c>.</summary>
public sealed class AdminApiClient(Uri baseAddress) : IDisposable
{
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public Task<ApiResponse> ListDeadLettersAsync(string? apiKey, ulong after = 0, int limit = 100)
        => SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/admin/dead-letters?after={after}&limit={limit}"), apiKey);

    public Task<ApiResponse> GetDeadLetterAsync(ulong sequence, string? apiKey)
        => SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/admin/dead-letters/{sequence}"), apiKey);

    public Task<ApiResponse> ReplayDeadLetterAsync(ulong sequence, string? apiKey)
        => SendAsync(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"/admin/dead-letters/{sequence}/replay"), apiKey);

    public Task<ApiResponse> DeleteDeadLetterAsync(ulong sequence, string? apiKey)
        => SendAsync(HttpMethod.Delete, string.Create(CultureInfo.InvariantCulture, $"/admin/dead-letters/{sequence}"), apiKey);

    /// <summary>POST /admin/consumers/{name}/replay with a raw JSON body, e.g. <c>{"fromSequence":1}</c>.</summary>
    public Task<ApiResponse> ReplayConsumerAsync(string consumer, string json, string? apiKey)
        => SendAsync(HttpMethod.Post, $"/admin/consumers/{Uri.EscapeDataString(consumer)}/replay", apiKey, json);

    public Task<ApiResponse> ReplayConsumerFromSequenceAsync(string consumer, ulong fromSequence, string? apiKey)
        => ReplayConsumerAsync(consumer, string.Create(CultureInfo.InvariantCulture, $$"""{"fromSequence":{{fromSequence}}}"""), apiKey);

    public void Dispose() => _http.Dispose();

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? apiKey, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, apiKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers.Location?.OriginalString, clock.Elapsed);
    }
}
