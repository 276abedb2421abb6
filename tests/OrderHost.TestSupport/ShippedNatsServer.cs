using System.Diagnostics;
using System.Globalization;

namespace OrderHost.TestSupport;

/// <summary>
/// nats-server run with a configuration file of the repository exactly as shipped: the file (and what
/// it includes) is copied into a temp folder that is also the working directory, so relative store
/// paths land there; only the listen address and the client and monitoring ports are moved to free
/// loopback ports, by command-line flags, which take precedence over the file.
/// </summary>
public sealed class ShippedNatsServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly RecentOutput _log = new(300);
    private readonly string _root;
    private Process? _process;

    private ShippedNatsServer(string root)
    {
        _root = root;
        Port = FreePort.OnLoopback();
        MonitoringPort = FreePort.OnLoopback();
    }

    public int Port { get; }

    public int MonitoringPort { get; }

    public string MonitoringUrl => $"http://127.0.0.1:{MonitoringPort}";

    /// <summary>
    /// Starts <paramref name="configPath"/> (relative to the repository root) with <paramref name="includes"/>
    /// copied next to it and <paramref name="environment"/> set (the variables the file reads), and waits for /healthz.
    /// </summary>
    public static async Task<ShippedNatsServer> StartAsync(
        string configPath,
        IEnumerable<string>? includes = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var binary = NatsServerBinary.Locate();
        NatsServerBinary.EnsureSupportedVersion(binary);
        var repository = RepositoryRoot.Find();
        var root = Path.Combine(Path.GetTempPath(), "orderhost-tests", "shipped-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var server = new ShippedNatsServer(root);
        try
        {
            foreach (var file in (includes ?? []).Prepend(configPath))
            {
                File.Copy(Path.Combine(repository, file), Path.Combine(root, Path.GetFileName(file)));
            }

            var startInfo = new ProcessStartInfo(
                binary,
                ["-c", Path.GetFileName(configPath), "-a", "127.0.0.1", "-p", Invariant(server.Port), "-m", Invariant(server.MonitoringPort)])
            {
                WorkingDirectory = root,
            };
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                startInfo.Environment[name] = value;
            }

            server._process = server._log.Start(startInfo);
            await ProcessReadiness.WaitAsync(
                server._process, new Uri($"{server.MonitoringUrl}/healthz"), StartTimeout, $"nats-server -c {configPath}", server._log.ToString);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string Invariant(int port) => port.ToString(CultureInfo.InvariantCulture);
}
