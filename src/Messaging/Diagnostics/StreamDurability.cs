namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Whether one machine's power loss can lose messages a stream has acknowledged: yes when the stream
/// has a single replica and its server acknowledges before fsyncing (any sync_interval but
/// <c>always</c>), or when that server's setting cannot be read. Replicas on other machines hold every
/// acknowledged message whatever their fsync period.
/// </summary>
public sealed record StreamDurability(string Stream, int Replicas, string? Server, ServerSync? Sync, bool AtRisk, string Summary)
{
    internal static StreamDurability Assess(string stream, int replicas, string? server, ServerSyncReadout readout)
    {
        var sync = readout.For(server);
        if (replicas > 1)
        {
            return new(stream, replicas, server, sync, AtRisk: false, $"{stream} has {replicas} replicas: one machine's power loss loses nothing acknowledged");
        }

        var where = $"{stream} has 1 replica, on {server ?? "an unknown server"}";
        return sync switch
        {
            { Always: true } => new(stream, replicas, server, sync, AtRisk: false,
                $"{where}, which {sync.Describe()}: a power loss loses nothing acknowledged"),
            not null => new(stream, replicas, server, sync, AtRisk: true,
                $"{where}, which {sync.Describe()}: a power loss loses what it acknowledged since its last fsync"),
            null => new(stream, replicas, server, null, AtRisk: true,
                $"{where}, whose fsync setting could not be read ({readout.WhyMissing(server)}; Nats__MonitoringUrl names the servers' monitoring URLs): a power loss may lose acknowledged messages"),
        };
    }

    /// <summary>One line for the readiness details: every stream's verdict, the ones at risk marked.</summary>
    public static string Describe(IReadOnlyList<StreamDurability>? streams) => streams is null
        ? "durability not checked yet"
        : "durability: " + string.Join("; ", streams.Select(s => s.AtRisk ? $"AT RISK, {s.Summary}" : s.Summary));
}
