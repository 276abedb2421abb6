using Microsoft.AspNetCore.Builder;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A fixture with its own nats-server and one in-process host on it for all its tests, started with
/// <see cref="HostSettings"/> and <see cref="ConfigureHost"/> (after its <see cref="Webhooks"/> receiver, if it has one)
/// and stopped before them. A derived fixture's own one-time set-up runs after the host started, its tear-down before it stops.
/// </summary>
public abstract class OrderHostFixture : NatsServerFixture
{
    private RunningOrderHost? _host;
    private AdminApiClient? _admin;
    private WebhookReceiver? _webhooks;

    protected RunningOrderHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>The host's operator endpoints, reached over HTTP; created on first use.</summary>
    protected AdminApiClient Admin => _admin ??= new AdminApiClient(Host.Api.BaseAddress);

    /// <summary>Where the host posts its notifications, when <see cref="PostsWebhooks"/>.</summary>
    protected WebhookReceiver Webhooks => _webhooks ?? throw new InvalidOperationException("The fixture has no webhook receiver.");

    /// <summary>True for a host that posts its notifications to <see cref="Webhooks"/>, a receiver started before it.</summary>
    protected virtual bool PostsWebhooks => false;

    /// <summary>Configuration on top of the test defaults; read once, when the host starts.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? HostSettings => null;

    /// <summary>Services or logging to change in the host (test doubles, captures); read once, when the host starts.</summary>
    protected virtual Action<WebApplicationBuilder>? ConfigureHost => null;

    /// <summary>False for a host whose readiness is itself under test: the set-up then does not wait for it.</summary>
    protected virtual bool WaitUntilReady => true;

    [OneTimeSetUp]
    public async Task StartHostAsync()
    {
        var settings = new Dictionary<string, string?>(HostSettings ?? new Dictionary<string, string?>());
        if (PostsWebhooks)
        {
            _webhooks = await WebhookReceiver.StartAsync();
            settings["Notifications:Webhook:Url"] = _webhooks.Url.ToString();
        }

        _host = await RunningOrderHost.StartAsync(Server, settings, ConfigureHost, WaitUntilReady);
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        _admin?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_webhooks is not null)
        {
            await _webhooks.DisposeAsync();
        }
    }
}
