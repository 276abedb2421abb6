using System.Text.Json;

namespace OrderHost.Bench.Infrastructure;

/// <summary>Messages and bytes the server received from and sent to clients, since it started.</summary>
internal sealed record ServerCounters(long InMsgs, long OutMsgs, long InBytes, long OutBytes)
{
    /// <summary>The benchmark's server runs with sync_interval unset, or as given.</summary>
    public static string SyncIntervalLabel(string? syncInterval) => syncInterval ?? "default (2m)";

    /// <summary>The server's counters (/varz); null when they cannot be read.</summary>
    public static async Task<ServerCounters?> ReadAsync(NatsServer server, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var varz = await server.MonitoringJsonAsync("/varz", timeout.Token).ConfigureAwait(false);
            return new ServerCounters(
                varz.GetProperty("in_msgs").GetInt64(),
                varz.GetProperty("out_msgs").GetInt64(),
                varz.GetProperty("in_bytes").GetInt64(),
                varz.GetProperty("out_bytes").GetInt64());
        }
        catch (Exception ex) when ((ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
