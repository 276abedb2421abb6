using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OrderHost.Bench.Scenarios;

/// <summary>POST /orders and what came back: the order id of a 202, or why there was none.</summary>
internal static class OrderPoster
{
    private static readonly Uri OrdersPath = new("/orders", UriKind.Relative);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<PostOutcome> PostAsync(HttpClient http, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var response = await http.PostAsync(OrdersPath, content, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                if (IdFromLocation(response.Headers.Location) is { } id)
                {
                    return new PostOutcome(id, 202, null);
                }

                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (doc.RootElement.TryGetProperty("orderId", out var element) && element.TryGetGuid(out var fromBody))
                {
                    return new PostOutcome(fromBody, 202, null);
                }

                return new PostOutcome(null, 202, "202 without an order id");
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new PostOutcome(null, (int)response.StatusCode, text.Length > 300 ? text[..300] : text);
        }
        catch (HttpRequestException ex)
        {
            return new PostOutcome(null, 0, ex.Message);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new PostOutcome(null, 0, "timed out: " + ex.Message);
        }
    }

    private static Guid? IdFromLocation(Uri? location)
    {
        if (location is null)
        {
            return null;
        }

        var text = location.OriginalString;
        var slash = text.LastIndexOf('/');
        return Guid.TryParse(text.AsSpan(slash + 1), out var id) ? id : null;
    }
}

internal readonly record struct PostOutcome(Guid? OrderId, int Status, string? Problem);

/// <summary>Counts what was not accepted, by status, and keeps the first problem text.</summary>
internal sealed class PostFailures
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _byStatus = new();
    private string? _first;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(PostOutcome outcome)
    {
        Interlocked.Increment(ref _count);
        _byStatus.AddOrUpdate(outcome.Status, 1, static (_, n) => n + 1);
        Interlocked.CompareExchange(ref _first, $"HTTP {outcome.Status}: {outcome.Problem}", null);
    }

    public string? Describe()
        => Count == 0
            ? null
            : $"{Count} POSTs not accepted ({string.Join(", ", _byStatus.OrderBy(p => p.Key).Select(p => $"{(p.Key == 0 ? "no response" : p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {p.Value}"))}); first: {_first}";
}
