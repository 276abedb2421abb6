using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Host;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The real application (all modules, as <c>OrderHostApplication.Build</c> composes it) inside the
/// benchmark process: Kestrel on 127.0.0.1 with a free port, pointed at the benchmark's server.
/// Only logging is changed (Warning: the host logs at Information per order).
/// </summary>
internal sealed class InProcessHost : BenchHost
{
    private readonly WebApplication _app;
    private int _disposed;

    private InProcessHost(WebApplication app, Uri baseAddress)
        : base(baseAddress)
    {
        _app = app;
    }

    public static async Task<InProcessHost> StartAsync(string natsUrl, CancellationToken cancellationToken)
    {
        var app = OrderHostApplication.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nats:Url"] = natsUrl,
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:NATS"] = "Warning",

            // The readiness probe below logs an error per 503 while the topology is being provisioned.
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
            ["Modules:Orders:Enabled"] = "true",
            ["Modules:Payments:Enabled"] = "true",
            ["Modules:Notifications:Enabled"] = "true",
            ["Host:ShutdownTimeout"] = "00:00:10",
        }));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no listening address.");
            return new InProcessHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or AggregateException)
        {
            await Console.Error.WriteLineAsync($"bench: host stop: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
