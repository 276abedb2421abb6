using System.Collections.Concurrent;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>What readiness and the gauges read: topology state, each consume loop's state, the streams' and servers' state.</summary>
public sealed class MessagingStatus(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, ConsumerStatus> _consumers = new(StringComparer.Ordinal);

    public bool Provisioned { get; private set; }

    public string? ProvisioningError { get; private set; }

    public IEnumerable<ConsumerStatus> Consumers => _consumers.Values;

    /// <summary>Per stream, whether a single power loss can lose acknowledged messages; null until checked after provisioning.</summary>
    public IReadOnlyList<StreamDurability>? Durability { get; private set; }

    /// <summary>The streams the host provisions, as last read for the metrics; empty until first read.</summary>
    public IReadOnlyList<StreamStats> Streams { get; private set; } = [];

    /// <summary>The servers whose monitoring endpoint answered the last read; empty without <c>Nats:MonitoringUrl</c>.</summary>
    public IReadOnlyList<ServerState> Servers { get; private set; } = [];

    public ConsumerStatus Consumer(string name) => _consumers.GetOrAdd(name, n => new ConsumerStatus(n, timeProvider));

    internal void MarkProvisioned()
    {
        Provisioned = true;
        ProvisioningError = null;
    }

    internal void MarkProvisioningFailed(string error) => ProvisioningError = error;

    internal void MarkDurability(IReadOnlyList<StreamDurability> durability) => Durability = durability;

    internal void MarkStreams(IReadOnlyList<StreamStats> streams) => Streams = streams;

    internal void MarkServers(IReadOnlyList<ServerState> servers) => Servers = servers;
}
