using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>With every module of the module table off the process still serves health and metrics.</summary>
[TestFixture]
public sealed class AllModulesDisabledTests : OrderHostFixture
{
    protected override IReadOnlyDictionary<string, string?>? HostSettings => RunningOrderHost.WithoutModules();

    protected override bool WaitUntilReady => false;

    [Test]
    public async Task Liveness_answers_200()
    {
        var response = await Host.Api.GetAsync("/health/live");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.ToString());
    }

    [Test]
    public async Task Readiness_answers_200_while_nats_is_up()
    {
        var ready = await Eventually.Until(
            () => Host.Api.GetAsync("/health/ready"), r => r.Status == HttpStatusCode.OK, "/health/ready to answer 200");

        Assert.That(ready.Json().GetProperty("status").GetString(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Metrics_answer_200_in_prometheus_text_format()
    {
        var response = await Host.Api.GetAsync("/metrics");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.ToString());
            Assert.That(response.MediaType, Is.EqualTo("text/plain").Or.EqualTo("application/openmetrics-text"));
            Assert.That(response.Body, Does.Contain("# TYPE "), "text exposition");
        }
    }

    [Test]
    public async Task No_consumer_is_created()
    {
        await Host.WaitUntilReadyAsync();

        Assert.That((await Broker.ListConsumersAsync()).Select(c => c.Name), Is.Empty);
    }
}
