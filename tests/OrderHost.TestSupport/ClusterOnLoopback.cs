using System.Text.Json;

namespace OrderHost.TestSupport;

/// <summary>
/// A JetStream cluster of real nats-server processes on 127.0.0.1 (server names n1..nN), each with its
/// own client, cluster and monitoring ports and store folder, routes to all the others, as
/// deploy/nats/cluster.conf lays it out for containers. Everything is killed and deleted on dispose.
/// </summary>
public sealed class ClusterOnLoopback : IAsyncDisposable
{
    public static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(60);

    private ClusterOnLoopback(string name, string rootDirectory, IReadOnlyList<ClusterNode> nodes)
    {
        Name = name;
        RootDirectory = rootDirectory;
        Nodes = nodes;
    }

    public string Name { get; }

    public string RootDirectory { get; }

    public Version Version => Nodes[0].Server.Version;

    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>Every node's client URL, comma-separated, as <c>Nats:Url</c> takes them.</summary>
    public string Urls => string.Join(',', Nodes.Select(n => n.Url));

    public ClusterNode Node(string name)
        => Nodes.SingleOrDefault(n => n.Name == name) ?? throw new InvalidOperationException($"No node named '{name}' in {string.Join(", ", Nodes)}.");

    /// <summary>
    /// Starts <paramref name="size"/> nodes and waits until every one is healthy and agrees on a JetStream meta leader.
    /// A port found free can be taken by another process before the node binds it (an outgoing connection's
    /// ephemeral port): then the whole cluster is started again on new ports, up to three times.
    /// </summary>
    /// <param name="noAdvertise">Clients learn no other node's address from the one they reach (servers behind proxies).</param>
    public static async Task<ClusterOnLoopback> StartAsync(int size = 3, bool noAdvertise = false)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(size, noAdvertise);
            }
            catch (InvalidOperationException ex) when (attempt < attempts && NatsServer.IsPortTaken(ex))
            {
                await Console.Error.WriteLineAsync($"cluster start {attempt}: a port was taken before a node bound it; starting again on new ports");
            }
        }
    }

    private static async Task<ClusterOnLoopback> StartOnceAsync(int size, bool noAdvertise)
    {
        var binary = NatsServerBinary.Locate();
        var root = Path.Combine(Path.GetTempPath(), "orderhost-tests", $"cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var nodes = new List<ClusterNode>();
        var cluster = new ClusterOnLoopback($"orderhost-test-{Guid.NewGuid():N}"[..24], root, nodes);
        try
        {
            for (var i = 1; i <= size; i++)
            {
                // As deploy/nats/cluster.conf, with a store of its own.
                nodes.Add(new ClusterNode(NatsServer.Create(new NatsServerOptions
                {
                    Binary = binary,
                    Name = $"n{i}",
                    RootDirectory = Path.Combine(root, $"n{i}"),
                    ClusterPort = true,
                    SyncInterval = "1s",
                })));
            }

            foreach (var node in nodes)
            {
                node.Server.Cluster = new NatsClusterRoutes(cluster.Name, [.. nodes.Where(p => p != node).Select(p => p.ClusterPort)], noAdvertise);
            }

            foreach (var node in nodes)
            {
                node.Start();
            }

            await cluster.WaitUntilFormedAsync(FormTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Polls every node that should be running until /healthz answers 200 and its /jsz names a meta leader, the same on
    /// each node, among a meta group of the cluster's full size.
    /// </summary>
    public async Task<string> WaitUntilFormedAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = "nothing observed";
        while (clock.Elapsed < timeout)
        {
            if (Nodes.FirstOrDefault(n => n.HasExitedUnexpectedly) is { } crashed)
            {
                throw new InvalidOperationException($"{crashed.Name} exited while the cluster formed.\n{crashed.RecentLog()}");
            }

            try
            {
                var views = new List<string>();
                string? agreed = null;
                var allAgree = true;
                foreach (var node in Nodes.Where(n => n.ShouldRun))
                {
                    var (status, body) = await node.HealthAsync();
                    var meta = (await node.JetStreamInfoAsync()).TryGetProperty("meta_cluster", out var m) ? m : default;
                    var leader = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("leader", out var l) ? l.GetString() : null;
                    var size = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("cluster_size", out var s) ? s.GetInt32() : 0;
                    views.Add($"{node.Name}: healthz {status} {body.Trim()}, meta leader '{leader}', meta size {size}");
                    allAgree &= status == 200 && !string.IsNullOrEmpty(leader) && size == Nodes.Count && (agreed is null || agreed == leader);
                    agreed ??= leader;
                }

                last = string.Join("; ", views);
                if (allAgree && agreed is not null)
                {
                    return agreed;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = $"{ex.GetType().Name}: {ex.Message}";
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException(
            $"The cluster did not form within {timeout.TotalSeconds:0} s: {last}\n" +
            string.Join("\n", Nodes.Select(n => $"--- {n} ---\n{n.RecentLog()}")));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        if (Directory.Exists(RootDirectory))
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }
}
