using System.Text.Json;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>One nats-server's own state as its <c>/varz</c> reports it.</summary>
/// <param name="Server">The server_name.</param>
/// <param name="Connections">Client connections open on it now (all accounts, this host's included).</param>
/// <param name="StorageUsed">Bytes its JetStream file store holds.</param>
/// <param name="StorageReserved">Bytes reserved by streams' max_bytes on it.</param>
/// <param name="StorageMax">The file store's configured ceiling (max_file_store).</param>
/// <param name="ClusterSize">The JetStream meta group's size as this server sees it; 1 when not clustered.</param>
public sealed record ServerState(string Server, long Connections, long StorageUsed, long StorageReserved, long StorageMax, int ClusterSize)
{
    /// <summary>server_name, connections and jetstream.stats / config / meta of a /varz answer.</summary>
    internal static ServerState Parse(JsonElement varz)
    {
        var name = varz.GetProperty("server_name").GetString()
            ?? throw new InvalidOperationException("/varz names no server.");
        if (!varz.TryGetProperty("jetstream", out var jetStream)
            || !jetStream.TryGetProperty("stats", out var stats)
            || !jetStream.TryGetProperty("config", out var config))
        {
            throw new InvalidOperationException($"{name} reports no JetStream state.");
        }

        var clusterSize = jetStream.TryGetProperty("meta", out var meta) && meta.TryGetProperty("cluster_size", out var size) ? size.GetInt32() : 1;
        return new ServerState(
            name,
            varz.GetProperty("connections").GetInt64(),
            stats.GetProperty("storage").GetInt64(),
            stats.GetProperty("reserved_storage").GetInt64(),
            config.GetProperty("max_storage").GetInt64(),
            clusterSize);
    }
}
