using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Host;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The real application (<see cref="OrderHostApplication.Build"/>) on a free loopback port, pointed at
/// any NATS URL: a <see cref="SecureNatsServer"/> with users or TLS, which <see cref="RunningOrderHost"/>
/// (bound to <see cref="NatsServer"/>) cannot take.
/// </summary>
public sealed class SecureOrderHost : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private readonly WebApplication _app;
    private bool _stopped;

    private SecureOrderHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Api = new OrderApiClient(baseAddress);
    }

    public OrderApiClient Api { get; }

    public IServiceProvider Services => _app.Services;

    public static Dictionary<string, string?> BaseSettings(string natsUrl) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Nats:Url"] = natsUrl,
        ["Nats:Consumers:NakDelays:0"] = "00:00:00.100",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Logging:LogLevel:NATS"] = "Error",
    };

    public static async Task<SecureOrderHost> StartAsync(
        string natsUrl,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool waitUntilReady = true)
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
        var host = new SecureOrderHost(app, new Uri(address));
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
        => await Eventually.Until(
            () => Api.GetAsync("/health/ready"),
            r => r.Status == HttpStatusCode.OK,
            "/health/ready to answer 200",
            timeout ?? ReadyTimeout);

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
