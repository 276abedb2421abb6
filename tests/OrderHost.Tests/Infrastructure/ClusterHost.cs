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
/// The whole OrderHost application (<see cref="OrderHostApplication.Build"/>, in process, on a free
/// loopback port) connected to every node of a <see cref="ClusterOnLoopback"/> with 3-replica streams
/// and buckets — what <see cref="RunningOrderHost"/> is for a single server.
/// </summary>
public sealed class ClusterHost : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly WebApplication _app;
    private bool _stopped;

    private ClusterHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Api = new OrderApiClient(baseAddress);
    }

    public OrderApiClient Api { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// The cluster's URLs and <c>Nats:Replicas</c> = nodes; quiet logging. Unlike <see cref="RunningOrderHost.BaseSettings"/>
    /// the consumers keep the production nak delays (1 s, 5 s, 30 s): with 100 ms delays a handler whose publish finds
    /// ORDERS without a leader uses up its 5 deliveries within the election and the message is dead-lettered.
    /// </summary>
    public static Dictionary<string, string?> BaseSettings(ClusterOnLoopback cluster) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Nats:Url"] = cluster.Urls,
        ["Nats:Replicas"] = cluster.Nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Logging:LogLevel:NATS"] = "Error",
    };

    /// <summary>Builds and starts the host, then waits until /health/ready answers 200.</summary>
    public static async Task<ClusterHost> StartAsync(
        ClusterOnLoopback cluster,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var effective = BaseSettings(cluster);
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
        var host = new ClusterHost(app, new Uri(address));
        try
        {
            await Eventually.Until(
                () => host.Api.GetAsync("/health/ready"),
                r => r.Status == HttpStatusCode.OK,
                "/health/ready to answer 200 on the cluster",
                ReadyTimeout);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

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
