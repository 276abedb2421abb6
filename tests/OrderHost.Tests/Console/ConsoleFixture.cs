using Microsoft.AspNetCore.Http;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Console;

/// <summary>
/// One nats-server, one host with the operator key and a webhook receiver that refuses (a permanent 4xx, so the
/// notification is dead-lettered) while <see cref="RefuseWebhooks"/> is set, and one headless browser, shared
/// by the fixture's tests. Charts sample every second so the overview has lines to draw within a test.
/// </summary>
public abstract class ConsoleFixture : OrderHostFixture
{
    protected const string ApiKey = "console-operator-key";
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private HeadlessChromium? _browser;

    protected Uri ConsoleUrl(string path = "") => new(Host.Api.BaseAddress, "/admin/console" + path);

    /// <summary>Started on first use: tests that only speak HTTP never pay for a browser.</summary>
    protected async Task<HeadlessChromium> BrowserAsync() => _browser ??= await HeadlessChromium.StartAsync();

    protected bool RefuseWebhooks { get; set; }

    protected override bool PostsWebhooks => true;

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Admin:ApiKey"] = ApiKey,
        ["Admin:Console:SampleInterval"] = "00:00:01",
    };

    [OneTimeSetUp]
    public void AnswerAsRefuseWebhooksSays()
        => Webhooks.Behaviour = (_, _) => (RefuseWebhooks ? StatusCodes.Status410Gone : StatusCodes.Status204NoContent, TimeSpan.Zero);

    [OneTimeTearDown]
    public void StopBrowser() => _browser?.Dispose();
}
