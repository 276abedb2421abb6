using System.Text.Json;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Reads each server's fsync setting from its HTTP monitoring endpoint (<c>/varz</c>). The NATS
/// protocol gives it only to the system account (<c>$SYS.REQ.SERVER.PING.VARZ</c>/<c>JSZ</c>);
/// an ordinary account gets "no responders", and <c>$JS.API.INFO</c> and stream info do not carry it.
/// </summary>
internal sealed class ServerSyncReader(TimeProvider timeProvider)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Reads every comma-separated URL of <paramref name="monitoringUrls"/>; a URL that fails becomes a problem, not an exception.</summary>
    public async Task<ServerSyncReadout> ReadAsync(string monitoringUrls, CancellationToken cancellationToken)
    {
        var urls = monitoringUrls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            return new ServerSyncReadout([], ["Nats:MonitoringUrl is empty"]);
        }

        var servers = new List<ServerSync>();
        var problems = new List<string>();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri))
            {
                problems.Add("a monitoring URL is not an absolute URL");
                continue;
            }

            var varzUri = new Uri(baseUri, "varz");
            using var timeout = new CancellationTokenSource(ReadTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await using var body = await http.GetStreamAsync(varzUri, linked.Token).ConfigureAwait(false);
                using var varz = await JsonDocument.ParseAsync(body, cancellationToken: linked.Token).ConfigureAwait(false);
                servers.Add(Parse(varz.RootElement));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Shown in logs and readiness: never the URL's user info.
                var error = timeout.IsCancellationRequested ? $"no answer within {ReadTimeout.TotalSeconds:0} s" : ex.Message;
                problems.Add($"{varzUri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)}: {error}");
            }
        }

        return new ServerSyncReadout(servers, problems);
    }

    /// <summary>server_name and jetstream.config.sync_always / sync_interval (nanoseconds) of a /varz answer.</summary>
    internal static ServerSync Parse(JsonElement varz)
    {
        var name = varz.GetProperty("server_name").GetString()
            ?? throw new InvalidOperationException("/varz names no server.");
        if (!varz.TryGetProperty("jetstream", out var jetStream) || !jetStream.TryGetProperty("config", out var config))
        {
            throw new InvalidOperationException($"{name} reports no JetStream configuration.");
        }

        var always = config.TryGetProperty("sync_always", out var syncAlways) && syncAlways.GetBoolean();
        TimeSpan? interval = config.TryGetProperty("sync_interval", out var nanoseconds)
            ? TimeSpan.FromTicks(nanoseconds.GetInt64() / (1_000_000_000 / TimeSpan.TicksPerSecond))
            : null;
        return new ServerSync(name, always, interval);
    }
}
