namespace OrderHost.Bench.Infrastructure;

/// <summary>What every scenario run needs to set itself up.</summary>
internal sealed class BenchContext(BenchOptions options, string? serverBinary, string? hostDll)
{
    public BenchOptions Options { get; } = options;

    /// <summary>The nats-server to start per run; null with <c>--nats-url</c>.</summary>
    public string? ServerBinary { get; } = serverBinary;

    /// <summary>With <c>--host-process</c>: the OrderHost.dll to run as a child process per run; null runs the host in-process.</summary>
    public string? HostDll { get; } = hostDll;

    /// <summary>The version the server reported in its INFO (first connection).</summary>
    public string? ServerVersion { get; set; }
}

/// <summary>
/// Everything one run stands on: a fresh server (or the external one), the benchmark's own
/// connection, and optionally the host (in-process, or a child process with <c>--host-process</c>) with an
/// HTTP client for it. Disposing stops it all.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private BenchEnvironment(NatsServer? server, string url, string syncInterval, NatsConnection connection)
    {
        Server = server;
        Url = url;
        SyncInterval = syncInterval;
        Connection = connection;
        JetStream = new NatsJSContext(connection);
    }

    public NatsServer? Server { get; }

    public string Url { get; }

    /// <summary>The sync_interval this run's server has, as reported.</summary>
    public string SyncInterval { get; }

    public NatsConnection Connection { get; }

    public NatsJSContext JetStream { get; }

    public BenchHost? Host { get; private set; }

    public HttpClient? Http { get; private set; }

    public static string ExternalSyncLabel => "unknown (external server)";

    /// <param name="whileHostStopped">
    /// With a host: runs between a first host, which declares its streams and consumers and stops, and the host
    /// that is measured (the growth rows' prefill finds the topology exactly as the host declares it).
    /// </param>
    public static async Task<BenchEnvironment> CreateAsync(
        BenchContext context,
        string? syncInterval,
        bool withHost,
        int maxHttpConnections,
        CancellationToken cancellationToken,
        Func<BenchEnvironment, CancellationToken, Task>? whileHostStopped = null)
    {
        NatsServer? server = null;
        string url;
        string label;
        if (context.Options.NatsUrl is { } external)
        {
            url = external;
            label = ExternalSyncLabel;
        }
        else
        {
            server = await NatsServer.StartNewAsync(
                new NatsServerOptions { Binary = context.ServerBinary, Name = "orderhost-bench", FolderPrefix = "bench-", SyncInterval = syncInterval },
                cancellationToken).ConfigureAwait(false);
            url = server.Url;
            label = ServerCounters.SyncIntervalLabel(syncInterval);
        }

        var connection = NewConnection(url, "orderhost-bench");
        var env = new BenchEnvironment(server, url, label, connection);
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
            context.ServerVersion ??= connection.ServerInfo?.Version;
            if (withHost && whileHostStopped is not null)
            {
                var (first, firstHttp) = await StartHostAsync(context, url, 1, env.JetStream, cancellationToken).ConfigureAwait(false);
                firstHttp.Dispose();
                await first.DisposeAsync().ConfigureAwait(false);
                await whileHostStopped(env, cancellationToken).ConfigureAwait(false);
            }

            if (withHost)
            {
                (env.Host, env.Http) = await StartHostAsync(context, url, maxHttpConnections, env.JetStream, cancellationToken).ConfigureAwait(false);
            }

            return env;
        }
        catch
        {
            await env.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The host (in-process, or a child process with <c>--host-process</c>) and a client for it, once it is ready.</summary>
    private static async Task<(BenchHost Host, HttpClient Http)> StartHostAsync(
        BenchContext context, string url, int maxHttpConnections, INatsJSContext jetStream, CancellationToken cancellationToken)
    {
        BenchHost host = context.HostDll is { } dll
            ? await OutOfProcessHost.StartAsync(dll, url, cancellationToken).ConfigureAwait(false)
            : await InProcessHost.StartAsync(url, cancellationToken).ConfigureAwait(false);
        var http = NewHttpClient(host.BaseAddress, maxHttpConnections);
        try
        {
            await host.WaitReadyAsync(http, jetStream, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return (host, http);
        }
        catch
        {
            http.Dispose();
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static NatsConnection NewConnection(string url, string name) => new(NatsOpts.Default with
    {
        Url = url,
        Name = name,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(10),
    });

    public async ValueTask DisposeAsync()
    {
        // Host first (it drains its consumers while the server is still up), then our connection, then the server.
        Http?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync("bench: closing the NATS connection took over 10 s").ConfigureAwait(false);
        }

        if (Server is not null)
        {
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static HttpClient NewHttpClient(Uri baseAddress, int maxConnections) => new(new SocketsHttpHandler
    {
        // Loopback only: never route through a proxy from the environment.
        UseProxy = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };
}
