using System.Globalization;
using System.Text.Json;

namespace OrderHost.TestSupport;

/// <summary>
/// A real nats-server with JetStream on 127.0.0.1, on ports (client, monitoring and, for a cluster, routes) and a store
/// folder of its own, configured by <see cref="NatsServerOptions"/> plus, before each start, a cluster block and any
/// extra text (an <c>include</c>, a <c>tls</c> or <c>authorization</c> block). It can be stopped gracefully, killed,
/// frozen, and started again on the same ports and store (restart tests). Its process is tracked by
/// <see cref="ChildProcesses"/>, so it does not outlive the test or benchmark process.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    public const string ConfigFileName = "nats-server.conf";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private static readonly HttpClient Monitoring = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    private readonly NatsServerOptions _options;
    private readonly string _binary;
    private readonly RecentOutput _log;
    private Process? _process;
    private bool _shouldRun;

    private NatsServer(NatsServerOptions options, string binary, Version version, string rootDirectory)
    {
        _options = options;
        _binary = binary;
        _log = new RecentOutput(options.OutputCapacityBytes);
        Version = version;
        RootDirectory = rootDirectory;
        StoreDirectory = options.StoreDirectory ?? Path.Combine(rootDirectory, "store");
        ConfigPath = Path.Combine(rootDirectory, options.ConfigFile is null ? ConfigFileName : Path.GetFileName(options.ConfigFile));
        Port = FreePort.OnLoopback();
        MonitoringPort = FreePort.OnLoopback();
        ClusterPort = options.ClusterPort ? FreePort.OnLoopback() : null;
        Name = options.Name ?? string.Create(CultureInfo.InvariantCulture, $"orderhost-test-{Port}");
    }

    public Version Version { get; }

    /// <summary>The server_name, as JetStream reports it in leaders, replica lists and readiness reports.</summary>
    public string Name { get; }

    public int Port { get; }

    public int MonitoringPort { get; }

    /// <summary>The route port, when <see cref="NatsServerOptions.ClusterPort"/> asked for one.</summary>
    public int? ClusterPort { get; }

    public string RootDirectory { get; }

    public string StoreDirectory { get; }

    public string ConfigPath { get; }

    public string? SyncInterval => _options.SyncInterval;

    public string Url => string.Create(CultureInfo.InvariantCulture, $"nats://127.0.0.1:{Port}");

    public string MonitoringUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{MonitoringPort}");

    public Uri MonitoringBase => new(MonitoringUrl);

    /// <summary>The cluster block written at the next start; null for a lone server.</summary>
    public NatsClusterRoutes? Cluster { get; set; }

    /// <summary>Text appended to the generated configuration at the next start.</summary>
    public string ExtraConfig { get; set; } = string.Empty;

    /// <summary>Environment variables of the server process (e.g. the passwords a configuration reads as <c>$VAR</c>).</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Started and not killed or stopped since.</summary>
    public bool ShouldRun => _shouldRun;

    /// <summary>Started, not killed or stopped by its owner, and yet its process ended.</summary>
    public bool HasExitedUnexpectedly => _shouldRun && _process is { HasExited: true };

    /// <summary>CPU time (user + system) the server used so far.</summary>
    public TimeSpan CpuTime => _process is { } process ? ChildProcesses.CpuTime(process) : TimeSpan.Zero;

    /// <summary>The server's resident set, in bytes; null when it is not running.</summary>
    public long? ResidentBytes() => _process is { } process ? ChildProcesses.ResidentBytes(process) : null;

    /// <summary>Locates the binary, checks its version, makes the folder and reserves the ports; nothing runs yet.</summary>
    public static NatsServer Create(NatsServerOptions options)
    {
        var binary = options.Binary ?? NatsServerBinary.Locate();
        var version = NatsServerBinary.EnsureSupportedVersion(binary);
        var root = options.RootDirectory ?? Path.Combine(Path.GetTempPath(), "orderhost-tests", options.FolderPrefix + Guid.NewGuid().ToString("N"));
        var server = new NatsServer(options, binary, version, root);
        Directory.CreateDirectory(server.StoreDirectory);
        if (options.ConfigFile is { } configFile)
        {
            foreach (var file in options.Includes.Prepend(configFile))
            {
                server.CopyNextToConfig(file);
            }
        }

        return server;
    }

    /// <summary>A lone server with a fresh temp store, started; with <paramref name="syncInterval"/> instead of the default fsync period.</summary>
    public static Task<NatsServer> StartNewAsync(string? syncInterval = null)
        => StartNewAsync(new NatsServerOptions { SyncInterval = syncInterval });

    /// <summary>
    /// Creates and starts a server. A reserved port can still be taken, before the server binds it, by an outgoing
    /// connection of any process (the kernel's ephemeral ports): then it is tried again on new ports.
    /// </summary>
    public static async Task<NatsServer> StartNewAsync(NatsServerOptions options, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = Create(options);
            try
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && options.RootDirectory is null && IsPortTaken(ex))
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>A start failed because a port was in use (the message carries the server's log).</summary>
    public static bool IsPortTaken(Exception ex) => ex.Message.Contains("address already in use", StringComparison.Ordinal);

    /// <summary>Copies a file next to the configuration (for <c>include ./name</c>) and returns its new path.</summary>
    public string CopyNextToConfig(string sourcePath)
    {
        var target = Path.Combine(RootDirectory, Path.GetFileName(sourcePath));
        File.Copy(sourcePath, target, overwrite: true);
        return target;
    }

    /// <summary>Writes the configuration and starts the process without waiting (a cluster's nodes wait for each other).</summary>
    public void Launch()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        if (_options.ConfigFile is null)
        {
            File.WriteAllText(ConfigPath, ConfigText());
        }

        var startInfo = new ProcessStartInfo(_binary, Arguments()) { WorkingDirectory = RootDirectory };
        foreach (var (name, value) in Environment)
        {
            startInfo.Environment[name] = value;
        }

        if (_process is { } previous)
        {
            ChildProcesses.Release(previous);
        }

        _process = ChildProcesses.Start(startInfo);
        _log.Attach(_process);
        _shouldRun = true;
    }

    /// <summary>Starts the process (again: same ports and store) and waits until /healthz says JetStream is up.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Launch();
        await WaitUntilHealthyAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitUntilHealthyAsync(CancellationToken cancellationToken = default)
        => ProcessReadiness.WaitAsync(
            _process ?? throw new InvalidOperationException($"{Name} was not started."),
            new Uri(MonitoringBase, "/healthz"),
            StartTimeout,
            $"nats-server {Name}",
            () => $"config {ConfigPath}:\n{File.ReadAllText(ConfigPath)}\n{RecentLog()}",
            cancellationToken);

    /// <summary>SIGTERM, then wait for the process to exit: the server flushes and closes its store (and leaves its cluster).</summary>
    public async Task StopAsync()
    {
        _shouldRun = false;
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        PosixSignal.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{Name} did not stop within {StopTimeout} after SIGTERM; killed it.\n{RecentLog()}");
        }
    }

    /// <summary>SIGKILL: the process ends at once, as in a crash; its store stays as it was.</summary>
    public async Task KillAsync()
    {
        _shouldRun = false;
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.Kill();
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open (a stalled machine); <see cref="Resume"/> thaws it.</summary>
    public void Pause() => PosixSignal.Pause(ProcessId ?? throw new InvalidOperationException($"{Name} is not running."));

    public void Resume() => PosixSignal.Resume(ProcessId ?? throw new InvalidOperationException($"{Name} is not running."));

    /// <summary>The lines the server logged, over all its starts (as many as the window holds).</summary>
    public IReadOnlyList<string> LogLines() => _log.Lines();

    public string RecentLog(int lines = 60) => string.Join('\n', _log.LastLines(lines));

    /// <summary>GET on the monitoring port, e.g. <c>/connz?auth=true</c>.</summary>
    public Task<string> MonitoringAsync(string pathAndQuery, CancellationToken cancellationToken = default)
        => Monitoring.GetStringAsync(new Uri(MonitoringBase, pathAndQuery), cancellationToken);

    /// <summary>GET on the monitoring port as JSON (e.g. <c>/varz</c>, <c>/jsz?streams=true</c>).</summary>
    public async Task<JsonElement> MonitoringJsonAsync(string pathAndQuery, CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(await MonitoringAsync(pathAndQuery, cancellationToken).ConfigureAwait(false));
        return document.RootElement.Clone();
    }

    /// <summary>GET /healthz with its status code (503 while JetStream or its cluster is not ready).</summary>
    public async Task<(int Status, string Body)> HealthAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Monitoring.GetAsync(new Uri(MonitoringBase, "/healthz"), cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        if (_process is { } process)
        {
            ChildProcesses.Release(process);
            _process = null;
        }

        if (Directory.Exists(RootDirectory))
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    public override string ToString()
        => $"{Name} (client {Port}{(ClusterPort is { } route ? $", cluster {route}" : "")}, monitoring {MonitoringPort}, {(IsRunning ? "running" : "down")})";

    private IEnumerable<string> Arguments()
        => _options.ConfigFile is null
            ? ["-c", ConfigPath]
            : ["-c", ConfigPath, "-a", "127.0.0.1", "-p", Invariant(Port), "-m", Invariant(MonitoringPort)];

    private string ConfigText() => string.Create(CultureInfo.InvariantCulture, $$"""
        server_name: {{Name}}
        listen: 127.0.0.1:{{Port}}
        http: 127.0.0.1:{{MonitoringPort}}
        {{ClusterBlock()}}
        jetstream {
          store_dir: "{{StoreDirectory}}"
          max_memory_store: 256MB
          # Streams reserve their max_bytes: ORDERS 8 GiB + ORDERS_DLQ 1 GiB + buckets (as in nats-server.conf).
          max_file_store: 16GB
        {{(SyncInterval is null ? "  # sync_interval: the server's default" : $"  sync_interval: {SyncInterval}")}}
        }
        {{ExtraConfig}}

        """);

    /// <summary>Routes to the peers only: a route to itself would be ignored, so it is left out.</summary>
    private string ClusterBlock()
    {
        if (Cluster is not { } cluster)
        {
            return string.Empty;
        }

        var port = ClusterPort ?? throw new InvalidOperationException($"{Name} has a cluster block but no route port: set {nameof(NatsServerOptions.ClusterPort)}.");
        return string.Create(CultureInfo.InvariantCulture, $$"""
            cluster {
              name: {{cluster.Name}}
              listen: 127.0.0.1:{{port}}
              no_advertise: {{(cluster.NoAdvertise ? "true" : "false")}}
              routes: [
            {{string.Join("\n", cluster.PeerRoutePorts.Select(p => string.Create(CultureInfo.InvariantCulture, $"    nats-route://127.0.0.1:{p}")))}}
              ]
            }
            """);
    }

    private static string Invariant(int port) => port.ToString(CultureInfo.InvariantCulture);
}
