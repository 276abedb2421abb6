using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderHost.Host.Http;

/// <summary>
/// Writes the endpoints' JSON responses with a Content-Length instead of chunked: an HTTP/1.0
/// keep-alive client (ab and other load generators) otherwise has its connection closed after every
/// response and pays a new TCP connection per order; every client is spared the chunk framing.
/// The bodies are a few hundred bytes, so serializing them whole first costs nothing measurable.
/// </summary>
internal static class SizedJsonResponses
{
    private const string Charset = "; charset=utf-8";

    public static Func<HttpResponse, object?, string, JsonSerializerContext?, CancellationToken, Task> Writer(JsonSerializerOptions options)
        => (response, dto, contentType, context, cancellationToken) =>
        {
            if (dto is null)
            {
                return Task.CompletedTask;
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(dto, dto.GetType(), context?.Options ?? options);
            response.ContentType = contentType.Contains("charset=", StringComparison.OrdinalIgnoreCase) ? contentType : contentType + Charset;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, cancellationToken).AsTask();
        };
}
