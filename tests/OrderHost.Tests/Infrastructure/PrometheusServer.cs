using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A real Prometheus (the Debian package's binary) on a free 127.0.0.1 port with a temporary store and a
/// generated configuration that scrapes one target every second; queried through its HTTP API.
/// Installs the package (<see cref="DebianPackage"/>) when the binary is missing; fails saying so when it cannot.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Job = "orderhost";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly RecentOutput _log = new(64 * 1024);
    private readonly HttpClient _http;
    private Process? _process;

    private PrometheusServer(string rootDirectory, int port)
    {
        RootDirectory = rootDirectory;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string RootDirectory { get; }

    public int Port { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (its /metrics) every second and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target)
    {
        var binary = await DebianPackage.EnsureToolAsync("prometheus", "prometheus");
        var root = Path.Combine(Path.GetTempPath(), "orderhost-tests", "prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var server = new PrometheusServer(root, FreePort.OnLoopback());
        var config = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {Job}
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target.Host}:{target.Port}"]
            """));
        try
        {
            server.Start(binary, config);
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant query; returns each series' labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var body = await _http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus query '{promql}' failed: {body}");
        }

        return [.. root.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
            (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty),
            double.Parse(series.GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The sum of an instant query's values, or null when it returned no series.</summary>
    public async Task<double?> QuerySumAsync(string promql)
    {
        var result = await QueryAsync(promql);
        return result.Count == 0 ? null : result.Sum(r => r.Value);
    }

    /// <summary>What Prometheus says about its scrape target (health, last error).</summary>
    public async Task<string> TargetsAsync() => await _http.GetStringAsync("/api/v1/targets");

    public string RecentLog() => _log.ToString();

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
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
            }
        }

        _process?.Dispose();
        _http.Dispose();
        if (Directory.Exists(RootDirectory))
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private void Start(string binary, string config)
    {
        var process = _log.Start(new ProcessStartInfo(binary,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(RootDirectory, "data")}",
            $"--web.listen-address=127.0.0.1:{Port}",
            "--storage.tsdb.retention.time=1h",
        ])
        {
            WorkingDirectory = RootDirectory,
        });
        _process = process;
    }

    private Task WaitUntilReadyAsync()
        => ProcessReadiness.WaitAsync(_process!, new Uri(_http.BaseAddress!, "/-/ready"), StartTimeout, "prometheus", RecentLog);
}
