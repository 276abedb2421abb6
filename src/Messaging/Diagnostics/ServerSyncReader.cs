using System.Text.Json;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>Reads each server's fsync setting from its HTTP monitoring endpoint (<c>/varz</c>).</summary>
internal sealed class ServerSyncReader(TimeProvider timeProvider)
{
    private readonly MonitoringReader _monitoring = new(timeProvider);

    /// <summary>Reads every comma-separated URL of <paramref name="monitoringUrls"/>; a URL that fails becomes a problem, not an exception.</summary>
    public async Task<ServerSyncReadout> ReadAsync(string monitoringUrls, CancellationToken cancellationToken)
    {
        var (servers, problems) = await _monitoring.ReadAsync(monitoringUrls, "varz", Parse, cancellationToken).ConfigureAwait(false);
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
