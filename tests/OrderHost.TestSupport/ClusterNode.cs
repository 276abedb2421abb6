using System.Text.Json;

namespace OrderHost.TestSupport;

/// <summary>
/// One nats-server of a <see cref="ClusterOnLoopback"/>: a <see cref="NatsServer"/> with a route port, routes to its
/// peers and a store of its own. It can be killed (SIGKILL) and started again with the same configuration, ports and
/// store, as a crashed machine that comes back; what it reads from its monitoring port is its own view of the cluster.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    internal ClusterNode(NatsServer server) => Server = server;

    public NatsServer Server { get; }

    /// <summary>The server_name, as JetStream reports it in leaders and replica lists.</summary>
    public string Name => Server.Name;

    public int Port => Server.Port;

    public int ClusterPort => Server.ClusterPort!.Value;

    public int MonitoringPort => Server.MonitoringPort;

    public string RootDirectory => Server.RootDirectory;

    public string StoreDirectory => Server.StoreDirectory;

    public string ConfigPath => Server.ConfigPath;

    public string Url => Server.Url;

    public bool IsRunning => Server.IsRunning;

    public int? ProcessId => Server.ProcessId;

    /// <summary>Started and not killed or stopped since.</summary>
    public bool ShouldRun => Server.ShouldRun;

    /// <summary>Started, not killed or stopped by the test, and yet its process ended.</summary>
    public bool HasExitedUnexpectedly => Server.HasExitedUnexpectedly;

    /// <summary>Starts the process with its configuration; <see cref="ClusterOnLoopback"/> waits for the cluster.</summary>
    public void Start() => Server.Launch();

    /// <summary>SIGKILL: the process ends at once, as in a crash; its store stays as it was.</summary>
    public Task KillAsync() => Server.KillAsync();

    /// <summary>SIGTERM and wait: the server leaves the cluster cleanly.</summary>
    public Task StopAsync() => Server.StopAsync();

    /// <summary>GET /healthz: 200 once JetStream is up, it knows the meta leader, and its streams and consumers are current.</summary>
    public Task<(int Status, string Body)> HealthAsync() => Server.HealthAsync();

    /// <summary>GET /jsz (with <paramref name="query"/>, e.g. "accounts=true&amp;streams=true") as JSON.</summary>
    public Task<JsonElement> JetStreamInfoAsync(string? query = null) => Server.MonitoringJsonAsync(query is null ? "/jsz" : $"/jsz?{query}");

    /// <summary>The names of the client connections this node holds (GET /connz).</summary>
    public async Task<IReadOnlyList<string>> ClientConnectionNamesAsync()
    {
        var connz = await Server.MonitoringJsonAsync("/connz?limit=1024");
        return connz.TryGetProperty("connections", out var connections) && connections.ValueKind == JsonValueKind.Array
            ? [.. connections.EnumerateArray().Select(c => c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "")]
            : [];
    }

    /// <summary>
    /// This node's own view of a stream (from /jsz): messages and last sequence it stores locally and the
    /// leader it knows of, or null when it holds no replica of that stream.
    /// </summary>
    public async Task<LocalStreamState?> LocalStreamStateAsync(string stream)
    {
        var jsz = await JetStreamInfoAsync("accounts=true&streams=true");
        if (!jsz.TryGetProperty("account_details", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var account in accounts.EnumerateArray())
        {
            if (!account.TryGetProperty("stream_detail", out var streams) || streams.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var detail in streams.EnumerateArray())
            {
                if (detail.GetProperty("name").GetString() == stream)
                {
                    var state = detail.GetProperty("state");
                    var leader = detail.TryGetProperty("cluster", out var cluster) && cluster.TryGetProperty("leader", out var l) ? l.GetString() : null;
                    return new LocalStreamState(Name, state.GetProperty("messages").GetInt64(), state.GetProperty("last_seq").GetUInt64(), leader);
                }
            }
        }

        return null;
    }

    public string RecentLog() => Server.RecentLog(300);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    public override string ToString() => Server.ToString();
}

/// <summary>A stream as one node stores it, and the leader that node knows of (null or empty while there is none).</summary>
public sealed record LocalStreamState(string Node, long Messages, ulong LastSequence, string? Leader);
