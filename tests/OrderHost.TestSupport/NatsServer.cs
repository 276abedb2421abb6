using System.Diagnostics;
using System.Globalization;

namespace OrderHost.TestSupport;

/// <summary>
/// A real nats-server with JetStream on 127.0.0.1, on ports and a store folder of its own. It can be
/// stopped gracefully, killed, and started again on the same port and store (restart tests).
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly string _binary;
    private readonly string _configPath;
    private readonly RecentOutput _log = new(300);
    private readonly string? _syncInterval;
    private Process? _process;

    private NatsServer(string binary, Version version, string rootDirectory, string? syncInterval)
    {
        _binary = binary;
        _syncInterval = syncInterval;
        Version = version;
        RootDirectory = rootDirectory;
        StoreDirectory = Path.Combine(rootDirectory, "store");
        _configPath = Path.Combine(rootDirectory, "nats-server.conf");
        Port = FreePort.OnLoopback();
        MonitoringPort = FreePort.OnLoopback();
    }

    public Version Version { get; }

    public int Port { get; }

    public int MonitoringPort { get; }

    public string RootDirectory { get; }

    public string StoreDirectory { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public string MonitoringUrl => $"http://127.0.0.1:{MonitoringPort}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Locates the binary, checks its version, and starts a server with a fresh temp store; with
    /// <paramref name="syncInterval"/> (e.g. "always", "1s") instead of the server's default fsync period.
    /// </summary>
    public static async Task<NatsServer> StartNewAsync(string? syncInterval = null)
    {
        var binary = NatsServerBinary.Locate();
        var version = NatsServerBinary.EnsureSupportedVersion(binary);
        var root = Path.Combine(Path.GetTempPath(), "orderhost-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var server = new NatsServer(binary, version, root, syncInterval);
        try
        {
            Directory.CreateDirectory(server.StoreDirectory);
            await File.WriteAllTextAsync(server._configPath, server.ConfigText());
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the process (again) on the same port and store, and waits until JetStream is healthy.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("nats-server is already running.");
        }

        var process = _log.Start(new ProcessStartInfo(_binary, ["-c", _configPath]));
        _process = process;
        await WaitUntilHealthyAsync(process);
    }

    /// <summary>SIGTERM, then wait for the process to exit: the server flushes and closes its store.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        PosixSignal.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"nats-server did not stop within {StopTimeout} after SIGTERM; killed it.\n{RecentLog()}");
        }
    }

    /// <summary>SIGKILL: the process ends at once, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        process.Kill();
        await process.WaitForExitAsync();
    }

    public string RecentLog() => _log.ToString();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
        if (Directory.Exists(RootDirectory))
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private string ConfigText() => string.Create(CultureInfo.InvariantCulture, $$"""
        server_name: orderhost-test-{{Port}}
        listen: 127.0.0.1:{{Port}}
        http: 127.0.0.1:{{MonitoringPort}}
        jetstream {
          store_dir: "{{StoreDirectory}}"
          max_memory_store: 256MB
          # Streams reserve their max_bytes: ORDERS 8 GiB + ORDERS_DLQ 1 GiB + buckets (as in nats-server.conf).
          max_file_store: 16GB
        {{(_syncInterval is null ? string.Empty : $"  sync_interval: {_syncInterval}")}}
        }
        """);

    private Task WaitUntilHealthyAsync(Process process)
        => ProcessReadiness.WaitAsync(process, new Uri($"http://127.0.0.1:{MonitoringPort}/healthz"), StartTimeout, "nats-server", RecentLog);

}
