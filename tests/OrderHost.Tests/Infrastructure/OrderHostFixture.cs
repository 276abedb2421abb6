using Microsoft.AspNetCore.Builder;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A fixture with its own nats-server and one in-process host on it for all its tests, started with
/// <see cref="HostSettings"/> and <see cref="ConfigureHost"/> (after <see cref="BeforeHostStartsAsync"/>) and stopped
/// before the server. A derived fixture's own one-time set-up runs after the host started, its tear-down before it stops.
/// </summary>
public abstract class OrderHostFixture : NatsServerFixture
{
    private RunningOrderHost? _host;

    protected RunningOrderHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>Configuration on top of the test defaults; read once, when the host starts.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? HostSettings => null;

    /// <summary>Services or logging to change in the host (test doubles, captures); read once, when the host starts.</summary>
    protected virtual Action<WebApplicationBuilder>? ConfigureHost => null;

    /// <summary>What the host's settings point at and must exist first (a webhook receiver, say).</summary>
    protected virtual Task BeforeHostStartsAsync() => Task.CompletedTask;

    [OneTimeSetUp]
    public async Task StartHostAsync()
    {
        await BeforeHostStartsAsync();
        _host = await RunningOrderHost.StartAsync(Server, HostSettings, ConfigureHost);
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
