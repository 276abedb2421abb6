using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Host;
using OrderHost.Host.Composition;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The whole OrderHost application, built by <see cref="OrderHostApplication.Build"/>, listening on a
/// free loopback port and talking to a test nats-server; reached with real HTTP calls.
/// </summary>
public sealed class RunningOrderHost : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private readonly WebApplication _app;
    private bool _stopped;

    private RunningOrderHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Api = new OrderApiClient(baseAddress);
    }

    public OrderApiClient Api { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Settings every test host gets; a test's own settings override them.</summary>
    public static Dictionary<string, string?> BaseSettings(NatsServer server) => BaseSettings(server.Url);

    public static Dictionary<string, string?> BaseSettings(string natsUrl) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Nats:Url"] = natsUrl,
        // Not the default 127.0.0.1:8222, which may be someone else's server; durability tests name theirs.
        ["Nats:MonitoringUrl"] = string.Empty,
        // Redelivery after a failure within a test's patience, not after seconds.
        ["Nats:Consumers:NakDelays:0"] = "00:00:00.100",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Logging:LogLevel:NATS"] = "Error",
    };

    /// <summary>Every module of the module table off: a second host on a server that takes no messages from the first.</summary>
    public static Dictionary<string, string?> WithoutModules()
        => ModuleTable.Shipped.ToDictionary(m => $"Modules:{m.Name}:Enabled", _ => (string?)"false");

    /// <summary>Builds and starts the host against a fixture's server; by default waits until /health/ready answers 200.</summary>
    public static Task<RunningOrderHost> StartAsync(
        NatsServer server,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool waitUntilReady = true)
        => StartAsync(server.Url, settings, configure, waitUntilReady);

    /// <summary>
    /// Builds and starts the host against any NATS URL (a server with users or TLS, a cluster's URL
    /// list); by default waits until /health/ready answers 200.
    /// </summary>
    public static async Task<RunningOrderHost> StartAsync(
        string natsUrl,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool waitUntilReady = true,
        TimeSpan? readyTimeout = null)
    {
        var effective = BaseSettings(natsUrl);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        var app = OrderHostApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(effective);
            configure?.Invoke(builder);
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var host = new RunningOrderHost(app, new Uri(address));
        if (waitUntilReady)
        {
            try
            {
                await host.WaitUntilReadyAsync(readyTimeout);
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
        => await Eventually.Until(
            () => Api.GetAsync("/health/ready"),
            r => r.Status == HttpStatusCode.OK,
            "/health/ready to answer 200",
            timeout ?? ReadyTimeout);

    /// <summary>Graceful stop, as on SIGTERM: the host's shutdown path runs to the end.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        Api.Dispose();
    }
}
