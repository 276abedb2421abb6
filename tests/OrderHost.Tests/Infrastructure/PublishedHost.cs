using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The published OrderHost (<c>dotnet OrderHost.dll</c>) as a child process on a free loopback port, so a
/// test can kill it (SIGKILL) or stop it (SIGTERM) like an orchestrator would. Configured only through
/// the environment, exactly as in production; its output goes to a log file whose path every failure names.
/// </summary>
public sealed class PublishedHost : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private const int LogTailLines = 40;

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly HttpClient _http;
    private bool _disposed;

    private PublishedHost(string name, Process process, StreamWriter log, string logPath, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
        Api = new OrderApiClient(baseAddress);
        Admin = new AdminApiClient(baseAddress);
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public string LogPath { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool IsRunning => !_process.HasExited;

    public OrderApiClient Api { get; }

    public AdminApiClient Admin { get; }

    /// <summary>A plain client for anything else (health, metrics).</summary>
    public HttpClient Http => _http;

    /// <summary>The environment every published host gets; a test's own variables override it (null: leave the variable out).</summary>
    public static Dictionary<string, string?> BaseEnvironment(NatsServer server, int port) => new()
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        ["Nats__Url"] = server.Url,
        // Redelivery after a transient failure within a test's patience, not after seconds.
        ["Nats__Consumers__NakDelays__0"] = "00:00:00.200",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
    };

    /// <summary>Starts <c>dotnet OrderHost.dll</c> from the published build; by default waits until /health/ready answers 200.</summary>
    public static async Task<PublishedHost> StartAsync(
        NatsServer server,
        string name,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool waitUntilReady = true)
    {
        var directory = await PublishedBuild.GetDirectoryAsync();
        var port = FreePort.OnLoopback();
        var effective = BaseEnvironment(server, port);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        var logDirectory = Path.Combine(Path.GetTempPath(), "orderhost-tests", "published-hosts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        await log.WriteLineAsync($"# {name}: dotnet {PublishedBuild.EntryAssembly} in {directory}");
        foreach (var (key, value) in effective.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            await log.WriteLineAsync($"# {key}={value}");
        }

        var startInfo = new ProcessStartInfo(PublishedBuild.DotnetExecutable(), [Path.Combine(directory, PublishedBuild.EntryAssembly)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };

        // Only what the test sets configures the host: drop inherited configuration-looking variables.
        foreach (var key in startInfo.Environment.Keys.Where(IsConfiguration).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        foreach (var (key, value) in effective.Where(e => e.Value is not null))
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new PublishedHost(name, process, log, logPath, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        TestContext.Progress.WriteLine($"Started {host}");
        if (waitUntilReady)
        {
            try
            {
                await host.WaitUntilReadyAsync();
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }

        return host;
    }

    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? ReadyTimeout;
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"{this} exited with code {_process.ExitCode} before it was ready.\n{LogTail()}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            if (clock.Elapsed >= limit)
            {
                Assert.Fail($"{this} was not ready within {limit.TotalSeconds:0} s: {last}\n{LogTail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process ends at once, in the middle of whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        _process.Kill();
        await _process.WaitForExitAsync();
        Write(_log, $"# killed (SIGKILL) by the test at {DateTimeOffset.UtcNow:O}");
    }

    /// <summary>SIGTERM, then waits for the process to exit and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Write(_log, $"# SIGTERM from the test at {DateTimeOffset.UtcNow:O}");
            PosixSignal.Terminate(_process.Id);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
                Assert.Fail($"{this} did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM; killed it.\n{LogTail()}");
            }
        }

        return _process.ExitCode;
    }

    public async Task<IReadOnlyList<MetricSample>> ScrapeMetricsAsync()
    {
        using var response = await _http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET /metrics of {this}: {body}");
        return PrometheusText.Parse(body);
    }

    public Task<ApiResponse> GetAsync(string path) => Api.GetAsync(path);

    /// <summary>The last lines of the host's log, for failure messages.</summary>
    public string LogTail()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return $"--- last lines of {LogPath} ---\n{string.Join('\n', lines.TakeLast(LogTailLines))}";
        }
        catch (IOException ex)
        {
            return $"(log {LogPath} unreadable: {ex.Message})";
        }
    }

    public override string ToString() => $"published host '{Name}' (pid {_process.Id}, {BaseAddress}, log {LogPath})";

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();

        // Waits for the redirected output to be written out before the log closes.
        _process.WaitForExit();
        _process.Dispose();
        Api.Dispose();
        Admin.Dispose();
        _http.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static bool IsConfiguration(string key)
        => key.Contains("__", StringComparison.Ordinal)
            || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase);

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The host is being disposed; late output is dropped.
            }
        }
    }
}
