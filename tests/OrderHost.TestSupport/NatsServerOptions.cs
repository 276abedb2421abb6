namespace OrderHost.TestSupport;

/// <summary>What a <see cref="NatsServer"/> is made of; everything has a default fit for a lone JetStream server on loopback.</summary>
public sealed record NatsServerOptions
{
    /// <summary>The nats-server binary; default <see cref="NatsServerBinary.Locate"/>.</summary>
    public string? Binary { get; init; }

    /// <summary>server_name; default <c>orderhost-test-&lt;client port&gt;</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The folder for the configuration, includes and store; default a fresh temp folder. It is deleted on dispose.</summary>
    public string? RootDirectory { get; init; }

    /// <summary>Prefix of the default temp folder's name, so a leftover folder says which kind of test left it.</summary>
    public string FolderPrefix { get; init; } = "server-";

    /// <summary>The JetStream store; default <c>store</c> inside <see cref="RootDirectory"/>.</summary>
    public string? StoreDirectory { get; init; }

    /// <summary>JetStream sync_interval (e.g. "always", "1s"); null for the server's default period.</summary>
    public string? SyncInterval { get; init; }

    /// <summary>Reserve a route port too, for a cluster (see <see cref="NatsServer.Cluster"/>).</summary>
    public bool ClusterPort { get; init; }

    /// <summary>
    /// Run this configuration file (copied, with <see cref="Includes"/>, next to where the generated one would be) instead of
    /// a generated one; the listen address and the client and monitoring ports are moved to loopback by command-line flags.
    /// </summary>
    public string? ConfigFile { get; init; }

    /// <summary>Files <see cref="ConfigFile"/> includes: nats-server resolves includes relative to the configuration.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];

    /// <summary>How much of the server's recent output is kept for failure messages and log assertions.</summary>
    public int OutputCapacityBytes { get; init; } = RecentOutput.DefaultCapacityBytes;
}

/// <summary>A cluster block: the cluster's name, the route ports of the peers, and whether to keep routes from being advertised to clients.</summary>
public sealed record NatsClusterRoutes(string Name, IReadOnlyList<int> PeerRoutePorts, bool NoAdvertise = false);
