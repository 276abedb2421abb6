using System.Text.Json;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Reads one document (such as <c>/varz</c>) from each server's HTTP monitoring endpoint. The NATS
/// protocol gives server state only to the system account (<c>$SYS.REQ.SERVER.PING.VARZ</c>/<c>JSZ</c>);
/// an ordinary account gets "no responders", and <c>$JS.API.INFO</c> and stream info do not carry it.
/// </summary>
internal sealed class MonitoringReader(TimeProvider timeProvider)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Reads <paramref name="path"/> from every comma-separated URL of <paramref name="monitoringUrls"/> and parses
    /// each answer; a URL that fails (or an answer <paramref name="parse"/> rejects) becomes a problem, not an exception.
    /// </summary>
    public async Task<(IReadOnlyList<T> Servers, IReadOnlyList<string> Problems)> ReadAsync<T>(
        string monitoringUrls, string path, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        var urls = monitoringUrls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            return ([], ["Nats:MonitoringUrl is empty"]);
        }

        var servers = new List<T>();
        var problems = new List<string>();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri))
            {
                problems.Add("a monitoring URL is not an absolute URL");
                continue;
            }

            var uri = new Uri(baseUri, path);
            using var timeout = new CancellationTokenSource(ReadTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await using var body = await http.GetStreamAsync(uri, linked.Token).ConfigureAwait(false);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: linked.Token).ConfigureAwait(false);
                servers.Add(parse(document.RootElement));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Shown in logs and readiness: never the URL's user info.
                var error = timeout.IsCancellationRequested ? $"no answer within {ReadTimeout.TotalSeconds:0} s" : ex.Message;
                problems.Add($"{uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)}: {error}");
            }
        }

        return (servers, problems);
    }
}
