using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// One nats-server of a <see cref="ClusterOnLoopback"/>: its own client, cluster (route) and monitoring
/// ports on 127.0.0.1, its own store folder, routes to its peers. It can be killed (SIGKILL) and started
/// again with the same configuration, ports and store, as a crashed machine that comes back.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly string _binary;
    private readonly RecentOutput _log = new(300);
    private readonly HttpClient _monitoring;
    private Process? _process;
    private bool _shouldRun;

    internal ClusterNode(string binary, string name, string rootDirectory)
    {
        _binary = binary;
        Name = name;
        RootDirectory = rootDirectory;
        StoreDirectory = Path.Combine(rootDirectory, "store");
        ConfigPath = Path.Combine(rootDirectory, "nats-server.conf");
        Port = FreePort.OnLoopback();
        ClusterPort = FreePort.OnLoopback();
        MonitoringPort = FreePort.OnLoopback();
        _monitoring = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{MonitoringPort}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>The server_name, as JetStream reports it in leaders and replica lists.</summary>
    public string Name { get; }

    public int Port { get; }

    public int ClusterPort { get; }

    public int MonitoringPort { get; }

    public string RootDirectory { get; }

    public string StoreDirectory { get; }

    public string ConfigPath { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Started and not killed or stopped since.</summary>
    public bool ShouldRun => _shouldRun;

    /// <summary>Started, not killed or stopped by the test, and yet its process ended.</summary>
    public bool HasExitedUnexpectedly => _shouldRun && _process is { HasExited: true };

    /// <summary>The node's configuration: routes to every peer (its own route would be ignored, but it is left out).</summary>
    /// <param name="noAdvertise">Clients are not told the other nodes' addresses: they reach only the URLs they were given (proxies, say).</param>
    internal string ConfigText(string clusterName, IEnumerable<ClusterNode> peers, bool noAdvertise = false) => string.Create(CultureInfo.InvariantCulture, $$"""
        server_name: {{Name}}
        listen: 127.0.0.1:{{Port}}
        http: 127.0.0.1:{{MonitoringPort}}

        cluster {
          name: {{clusterName}}
          listen: 127.0.0.1:{{ClusterPort}}
          no_advertise: {{(noAdvertise ? "true" : "false")}}
          routes: [
        {{string.Join("\n", peers.Select(p => $"    nats-route://127.0.0.1:{p.ClusterPort}"))}}
          ]
        }

        # As deploy/nats/cluster.conf, with a store of its own.
        jetstream {
          store_dir: "{{StoreDirectory}}"
          max_memory_store: 256MB
          max_file_store: 16GB
          sync_interval: 1s
        }
        """);

    /// <summary>Starts the process with its configuration file; <see cref="ClusterOnLoopback"/> waits for the cluster.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        _process?.Dispose();
        var process = _log.Start(new ProcessStartInfo(_binary, ["-c", ConfigPath]));
        _process = process;
        _shouldRun = true;
    }

    /// <summary>SIGKILL: the process ends at once, as in a crash; its store stays as it was.</summary>
    public async Task KillAsync()
    {
        _shouldRun = false;
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait: the server leaves the cluster cleanly.</summary>
    public async Task StopAsync()
    {
        _shouldRun = false;
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        PosixSignal.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>GET /healthz: 200 once JetStream is up, it knows the meta leader, and its streams and consumers are current.</summary>
    public async Task<(int Status, string Body)> HealthAsync()
    {
        using var response = await _monitoring.GetAsync(new Uri("/healthz", UriKind.Relative));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GET /jsz (with <paramref name="query"/>, e.g. "accounts=true&amp;streams=true") as JSON.</summary>
    public async Task<JsonElement> JetStreamInfoAsync(string? query = null)
    {
        var path = query is null ? "/jsz" : $"/jsz?{query}";
        using var response = await _monitoring.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The names of the client connections this node holds (GET /connz).</summary>
    public async Task<IReadOnlyList<string>> ClientConnectionNamesAsync()
    {
        using var response = await _monitoring.GetAsync(new Uri("/connz?limit=1024", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("connections", out var connections) && connections.ValueKind == JsonValueKind.Array
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

    public string RecentLog() => _log.ToString();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
        _monitoring.Dispose();
    }

    public override string ToString() => $"{Name} (client {Port}, cluster {ClusterPort}, monitoring {MonitoringPort}, {(IsRunning ? "running" : "down")})";

}

/// <summary>A stream as one node stores it, and the leader that node knows of (null or empty while there is none).</summary>
public sealed record LocalStreamState(string Node, long Messages, ulong LastSequence, string? Leader);
