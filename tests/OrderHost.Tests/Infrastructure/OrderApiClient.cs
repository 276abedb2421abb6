using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Real HTTP calls to a running OrderHost; every answer is read whole into an <see cref="ApiResponse"/>.</summary>
public sealed class OrderApiClient : IDisposable
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string CorrelationIdHeader = "X-Correlation-Id";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public OrderApiClient(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            // Lets a test send a non-ASCII header value, which HttpClient refuses by default.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<ApiResponse> PostOrderAsync(
        JsonNode body, string? idempotencyKey = null, string? correlationId = null, CancellationToken cancellationToken = default)
        => PostOrderAsync(body.ToJsonString(), idempotencyKey, correlationId, cancellationToken);

    public Task<ApiResponse> PostOrderAsync(
        string json, string? idempotencyKey = null, string? correlationId = null, CancellationToken cancellationToken = default)
        => PostOrderAsync(new StringContent(json, Encoding.UTF8, "application/json"), idempotencyKey, correlationId, cancellationToken);

    /// <summary>POST /orders with a W3C traceparent header, as a traced caller sends it.</summary>
    public async Task<ApiResponse> PostTracedOrderAsync(JsonNode body, string traceParent, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        return await SendAsync(request, cancellationToken);
    }

    public async Task<ApiResponse> PostOrderAsync(
        HttpContent content, string? idempotencyKey = null, string? correlationId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = content };

        // Without validation: tests also send values the server must reject.
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        if (correlationId is not null)
        {
            request.Headers.TryAddWithoutValidation(CorrelationIdHeader, correlationId);
        }

        return await SendAsync(request, cancellationToken);
    }

    /// <summary>POST /orders?<paramref name="query"/>: what a query string does to an order.</summary>
    public async Task<ApiResponse> PostOrderWithQueryAsync(string query, JsonNode body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders?" + query) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        return await SendAsync(request, cancellationToken);
    }

    public Task<ApiResponse> GetOrderAsync(Guid orderId, CancellationToken cancellationToken = default)
        => GetAsync($"/orders/{orderId:D}", cancellationToken);

    /// <summary>The order's state, or null while it is unknown (404).</summary>
    public async Task<OrderState?> FindOrderAsync(Guid orderId, CancellationToken cancellationToken = default)
    {
        var response = await GetOrderAsync(orderId, cancellationToken);
        return response.Status switch
        {
            HttpStatusCode.OK => JsonSerializer.Deserialize<OrderState>(response.Body, Web),
            HttpStatusCode.NotFound => null,
            _ => throw new InvalidOperationException($"GET /orders/{orderId} answered {response}"),
        };
    }

    public async Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>Posts until the host answers 202 (e.g. while NATS comes back) and returns the new order id.</summary>
    public async Task<Guid> PlaceOrderAsync(JsonNode body, string? idempotencyKey = null, TimeSpan? timeout = null)
    {
        var accepted = await Eventually.Until(
            () => PostOrderAsync(body, idempotencyKey),
            r => r.Status == HttpStatusCode.Accepted,
            "POST /orders to answer 202",
            timeout);
        return OrderIdOf(accepted);
    }

    /// <summary>Waits until GET shows the order satisfying <paramref name="isSatisfied"/>.</summary>
    public async Task<OrderState> WaitForOrderAsync(Guid orderId, Func<OrderState, bool> isSatisfied, string description, TimeSpan? timeout = null)
    {
        var state = await Eventually.Until(
            () => FindOrderAsync(orderId),
            s => s is not null && isSatisfied(s),
            $"order {orderId} to be {description}",
            timeout);
        return state!;
    }

    public static Guid OrderIdOf(ApiResponse accepted) => accepted.Json().GetProperty("orderId").GetGuid();

    public void Dispose() => _http.Dispose();

    private async Task<ApiResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiResponse(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            body,
            LocationOf(response.Headers),
            clock.Elapsed);
    }

    private static string? LocationOf(HttpResponseHeaders headers) => headers.Location?.OriginalString;
}
