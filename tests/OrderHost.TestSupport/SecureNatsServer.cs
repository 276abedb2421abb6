using System.Diagnostics;
using System.Globalization;

namespace OrderHost.TestSupport;

/// <summary>
/// A real nats-server on free 127.0.0.1 ports that runs a configuration the test writes: the base
/// (listen, monitoring, JetStream store) plus any text (an <c>include</c>, a <c>tls</c> block, an
/// <c>authorization</c> block). Files the configuration refers to are copied next to it, because
/// nats-server resolves includes relative to the configuration file. Environment variables (the
/// passwords <c>permissions.conf</c> reads) are given to the process only.
/// </summary>
public sealed class SecureNatsServer : IAsyncDisposable
{
    public const string ConfigFileName = "nats-server.conf";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _binary;
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly RecentOutput _log = new(5000);
    private Process? _process;

    private SecureNatsServer(string binary, Version version, string rootDirectory)
    {
        _binary = binary;
        Version = version;
        RootDirectory = rootDirectory;
        StoreDirectory = Path.Combine(rootDirectory, "store");
        Port = FreePort.OnLoopback();
        MonitoringPort = FreePort.OnLoopback();
    }

    public Version Version { get; }

    public int Port { get; }

    public int MonitoringPort { get; }

    /// <summary>Holds the configuration, the copied includes, generated certificates and the store.</summary>
    public string RootDirectory { get; }

    public string StoreDirectory { get; }

    public string ConfigPath => Path.Combine(RootDirectory, ConfigFileName);

    /// <summary>Plain URL: TLS (when configured) is negotiated after the server's INFO.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    public Uri MonitoringBase => new($"http://127.0.0.1:{MonitoringPort}");

    /// <summary>Locates the nats-server binary (the same one the other tests use) and makes a fresh folder; nothing runs yet.</summary>
    public static SecureNatsServer Create()
    {
        var binary = NatsServerBinary.Locate();
        var version = NatsServerBinary.EnsureSupportedVersion(binary);
        var root = Path.Combine(Path.GetTempPath(), "orderhost-tests", "secure-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "store"));
        return new SecureNatsServer(binary, version, root);
    }

    /// <summary>Copies a file next to the configuration (for <c>include ./name</c>) and returns its new path.</summary>
    public string CopyNextToConfig(string sourcePath)
    {
        var target = Path.Combine(RootDirectory, Path.GetFileName(sourcePath));
        File.Copy(sourcePath, target, overwrite: true);
        return target;
    }

    /// <summary>An environment variable of the nats-server process (e.g. a password <c>$VAR</c> in the configuration).</summary>
    public SecureNatsServer WithEnvironment(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    /// <summary>Writes the configuration (base + <paramref name="extraConfig"/>), starts the server and waits for /healthz.</summary>
    public async Task StartAsync(string extraConfig)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("nats-server is already running.");
        }

        await File.WriteAllTextAsync(ConfigPath, BaseConfig() + "\n" + extraConfig + "\n");
        var startInfo = new ProcessStartInfo(_binary, ["-c", ConfigPath]) { WorkingDirectory = RootDirectory };
        foreach (var (name, value) in _environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = _log.Start(startInfo);
        _process = process;
        await WaitUntilHealthyAsync(process);
    }

    /// <summary>Every line the server logged so far (up to the last 5000).</summary>
    public IReadOnlyList<string> LogLines() => _log.Lines();

    public string RecentLog(int lines = 60) => string.Join('\n', LogLines().TakeLast(lines));

    /// <summary>GET on the monitoring port, e.g. <c>/connz?auth=true</c>.</summary>
    public async Task<string> MonitoringAsync(string pathAndQuery)
    {
        using var http = new HttpClient { BaseAddress = MonitoringBase, Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(pathAndQuery);
    }

    /// <summary>SIGTERM and wait; <see cref="StartAsync"/> may then start it again (same ports and store) with another configuration.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        PosixSignal.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
        if (Directory.Exists(RootDirectory))
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private string BaseConfig() => string.Create(CultureInfo.InvariantCulture, $$"""
        server_name: orderhost-secure-test-{{Port}}
        listen: 127.0.0.1:{{Port}}
        http: 127.0.0.1:{{MonitoringPort}}
        jetstream {
          store_dir: "{{StoreDirectory}}"
          max_memory_store: 256MB
          max_file_store: 16GB
        }
        """);

    private Task WaitUntilHealthyAsync(Process process)
        => ProcessReadiness.WaitAsync(
            process, new Uri(MonitoringBase, "/healthz"), StartTimeout, "nats-server", () => $"config {ConfigPath}:\n{File.ReadAllText(ConfigPath)}\n{RecentLog()}");

}
