namespace OrderHost.TestSupport;

/// <summary>
/// A <see cref="NatsServer"/> that runs a configuration the test writes: the base (listen, monitoring, JetStream store)
/// plus any text (an <c>include</c>, a <c>tls</c> block, an <c>authorization</c> block), different at each start. Files
/// the configuration refers to are copied next to it; environment variables (the passwords <c>permissions.conf</c>
/// reads) are given to the process only. It keeps up to 1 MB of the server's log, for assertions on what it refused.
/// </summary>
public sealed class SecureNatsServer : IAsyncDisposable
{
    public const string ConfigFileName = NatsServer.ConfigFileName;

    private readonly NatsServer _server;

    private SecureNatsServer(NatsServer server) => _server = server;

    public Version Version => _server.Version;

    public int Port => _server.Port;

    public int MonitoringPort => _server.MonitoringPort;

    /// <summary>Holds the configuration, the copied includes, generated certificates and the store.</summary>
    public string RootDirectory => _server.RootDirectory;

    public string StoreDirectory => _server.StoreDirectory;

    public string ConfigPath => _server.ConfigPath;

    /// <summary>Plain URL: TLS (when configured) is negotiated after the server's INFO.</summary>
    public string Url => _server.Url;

    public Uri MonitoringBase => _server.MonitoringBase;

    /// <summary>Locates the nats-server binary (the same one the other tests use) and makes a fresh folder; nothing runs yet.</summary>
    public static SecureNatsServer Create()
        => new(NatsServer.Create(new NatsServerOptions { FolderPrefix = "secure-", OutputCapacityBytes = 1024 * 1024 }));

    /// <summary>Copies a file next to the configuration (for <c>include ./name</c>) and returns its new path.</summary>
    public string CopyNextToConfig(string sourcePath) => _server.CopyNextToConfig(sourcePath);

    /// <summary>An environment variable of the nats-server process (e.g. a password <c>$VAR</c> in the configuration).</summary>
    public SecureNatsServer WithEnvironment(string name, string value)
    {
        _server.Environment[name] = value;
        return this;
    }

    /// <summary>Writes the configuration (base + <paramref name="extraConfig"/>), starts the server and waits for /healthz.</summary>
    public Task StartAsync(string extraConfig)
    {
        _server.ExtraConfig = extraConfig;
        return _server.StartAsync();
    }

    /// <summary>Every line the server logged so far (as many as 1 MB holds).</summary>
    public IReadOnlyList<string> LogLines() => _server.LogLines();

    public string RecentLog(int lines = 60) => _server.RecentLog(lines);

    /// <summary>GET on the monitoring port, e.g. <c>/connz?auth=true</c>.</summary>
    public Task<string> MonitoringAsync(string pathAndQuery) => _server.MonitoringAsync(pathAndQuery);

    /// <summary>SIGTERM and wait; <see cref="StartAsync"/> may then start it again (same ports and store) with another configuration.</summary>
    public Task StopAsync() => _server.StopAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
