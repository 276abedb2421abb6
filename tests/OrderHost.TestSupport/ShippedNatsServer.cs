namespace OrderHost.TestSupport;

/// <summary>
/// nats-server run with a configuration file of the repository exactly as shipped: the file (and what
/// it includes) is copied into a temp folder that is also the working directory, so relative store
/// paths land there; only the listen address and the client and monitoring ports are moved to free
/// loopback ports, by command-line flags, which take precedence over the file.
/// </summary>
public sealed class ShippedNatsServer : IAsyncDisposable
{
    private ShippedNatsServer(NatsServer server) => Server = server;

    public NatsServer Server { get; }

    public int Port => Server.Port;

    public int MonitoringPort => Server.MonitoringPort;

    public string MonitoringUrl => Server.MonitoringUrl;

    /// <summary>
    /// Starts <paramref name="configPath"/> (relative to the repository root) with <paramref name="includes"/>
    /// copied next to it and <paramref name="environment"/> set (the variables the file reads), and waits for /healthz.
    /// </summary>
    public static async Task<ShippedNatsServer> StartAsync(
        string configPath,
        IEnumerable<string>? includes = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var repository = RepositoryRoot.Find();
        var server = NatsServer.Create(new NatsServerOptions
        {
            FolderPrefix = "shipped-",
            ConfigFile = Path.Combine(repository, configPath),
            Includes = [.. (includes ?? []).Select(file => Path.Combine(repository, file))],
        });
        try
        {
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                server.Environment[name] = value;
            }

            await server.StartAsync();
            return new ShippedNatsServer(server);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
