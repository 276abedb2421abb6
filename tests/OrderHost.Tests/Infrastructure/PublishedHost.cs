using System.Net;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The published OrderHost (<c>dotnet OrderHost.dll</c>), or another host build such as the audit host, as a child
/// process on a free loopback port, so a test can kill it (SIGKILL) or stop it (SIGTERM) like an orchestrator would.
/// Configured only through the environment, exactly as in production; its clients and metrics for the tests.
/// </summary>
public sealed class PublishedHost : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly HostProcess _process;

    private PublishedHost(HostProcess process)
    {
        _process = process;
        Api = new OrderApiClient(process.BaseAddress);
        Admin = new AdminApiClient(process.BaseAddress);
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name => _process.Name;

    public Uri BaseAddress => _process.BaseAddress;

    public int ProcessId => _process.Id;

    public bool IsRunning => !_process.HasExited;

    /// <summary>What it wrote to stdout (its log lines) and stderr.</summary>
    public HostProcess Process => _process;

    public OrderApiClient Api { get; }

    public AdminApiClient Admin { get; }

    /// <summary>A plain client for anything else (health, metrics).</summary>
    public HttpClient Http { get; }

    /// <summary>The environment every published host gets; a test's own variables override it (null: leave the variable out).</summary>
    public static Dictionary<string, string?> BaseEnvironment(NatsServer server) => new()
    {
        ["Nats__Url"] = server.Url,
        // Redelivery after a transient failure within a test's patience, not after seconds.
        ["Nats__Consumers__NakDelays__0"] = "00:00:00.200",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
    };

    /// <summary>Starts <c>dotnet OrderHost.dll</c> from the published build and waits until /health/ready answers 200.</summary>
    public static async Task<PublishedHost> StartAsync(NatsServer server, string name, IReadOnlyDictionary<string, string?>? environment = null)
        => await StartAsync(Path.Combine(await PublishedBuild.GetDirectoryAsync(), PublishedBuild.EntryAssembly), server, name, environment);

    /// <summary>Starts <c>dotnet {dll}</c> (a host built on OrderHost's) and waits until /health/ready answers 200.</summary>
    public static async Task<PublishedHost> StartAsync(string dll, NatsServer server, string name, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var effective = BaseEnvironment(server);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        var process = await HostProcess.StartAsync(ChildLaunch.ForDll(name, dll) with { Environment = effective }, HostReadiness.Ready, ReadyTimeout);
        TestContext.Progress.WriteLine($"Started {process}");
        return new PublishedHost(process);
    }

    public Task WaitUntilReadyAsync(TimeSpan? timeout = null) => _process.WaitForAsync(HostReadiness.Ready, timeout ?? ReadyTimeout);

    /// <summary>SIGKILL: the process ends at once, in the middle of whatever it was doing.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, then waits for the process to exit and returns its exit code.</summary>
    public Task<int> StopAsync() => _process.StopAsync(StopTimeout);

    public async Task<IReadOnlyList<MetricSample>> ScrapeMetricsAsync()
    {
        using var response = await Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET /metrics of {this}: {body}");
        return PrometheusText.Parse(body);
    }

    public Task<ApiResponse> GetAsync(string path) => Api.GetAsync(path);

    /// <summary>The last lines of the host's output, for failure messages.</summary>
    public string LogTail() => _process.OutputTail();

    public override string ToString() => $"host {_process}";

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Api.Dispose();
        Admin.Dispose();
        Http.Dispose();
    }
}
