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
    private AdminApiClient? _admin;

    protected RunningOrderHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>The host's operator endpoints, reached over HTTP; created on first use.</summary>
    protected AdminApiClient Admin => _admin ??= new AdminApiClient(Host.Api.BaseAddress);

    /// <summary>Configuration on top of the test defaults; read once, when the host starts.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? HostSettings => null;

    /// <summary>Services or logging to change in the host (test doubles, captures); read once, when the host starts.</summary>
    protected virtual Action<WebApplicationBuilder>? ConfigureHost => null;

    /// <summary>False for a host whose readiness is itself under test: the set-up then does not wait for it.</summary>
    protected virtual bool WaitUntilReady => true;

    /// <summary>What the host's settings point at and must exist first (a webhook receiver, say).</summary>
    protected virtual Task BeforeHostStartsAsync() => Task.CompletedTask;

    [OneTimeSetUp]
    public async Task StartHostAsync()
    {
        await BeforeHostStartsAsync();
        _host = await RunningOrderHost.StartAsync(Server, HostSettings, ConfigureHost, WaitUntilReady);
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        _admin?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
