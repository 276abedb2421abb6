using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Host;
using OrderHost.Messaging.Configuration;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The real application (all modules, as <c>OrderHostApplication.Build</c> composes it) inside the
/// benchmark process: Kestrel on 127.0.0.1 with a free port, pointed at the benchmark's server.
/// Only logging is changed (Warning: the host logs at Information per order).
/// </summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    /// <summary>Every durable consumer the modules declare; measuring starts once all of them exist.</summary>
    public static readonly string[] DurableConsumers =
        [PaymentConsumers.Processor, OrderConsumers.Projection, NotificationConsumers.Paid, NotificationConsumers.Failed];

    private readonly WebApplication _app;
    private int _disposed;

    private InProcessHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static string StreamName => new NatsOptions().Stream.Name;

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

    /// <summary>Ready = /health/ready answers 200 and every durable consumer exists on the server.</summary>
    public async Task WaitReadyAsync(HttpClient http, INatsJSContext jetStream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var lastProblem = "not asked yet";
        try
        {
            while (true)
            {
                try
                {
                    // The consumers exist only once the topology is provisioned: ask the server first.
                    foreach (var durable in DurableConsumers)
                    {
                        await jetStream.GetConsumerAsync(StreamName, durable, cts.Token).ConfigureAwait(false);
                    }

                    using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"), cts.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }

                    lastProblem = $"/health/ready answered {(int)response.StatusCode}";
                }
                catch (NatsJSApiException ex)
                {
                    lastProblem = $"consumer not there yet: {ex.Error.Description}";
                }
                catch (HttpRequestException ex)
                {
                    lastProblem = ex.Message;
                }

                await Task.Delay(50, cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The host did not become ready within {timeout.TotalSeconds} s ({lastProblem}).");
        }
    }

    public async ValueTask DisposeAsync()
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
