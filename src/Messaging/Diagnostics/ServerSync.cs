using System.Globalization;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>When a nats-server fsyncs JetStream writes, as its monitoring endpoint reports it.</summary>
/// <param name="Server">The server_name, as stream leaders are named.</param>
/// <param name="Always">sync_interval: always: every write is fsynced before it is acknowledged.</param>
/// <param name="Interval">The background fsync period; null when the server did not report it.</param>
public sealed record ServerSync(string Server, bool Always, TimeSpan? Interval)
{
    public string Describe() => Always
        ? "fsyncs before every acknowledgement"
        : Interval is { } every
            ? string.Create(CultureInfo.InvariantCulture, $"fsyncs only every {every.TotalSeconds:0.###} s")
            : "fsyncs lazily";
}
