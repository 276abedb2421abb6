using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>The host starts while NATS is down, reports not-ready, and becomes ready once the server is there.</summary>
[TestFixture]
public sealed class StartWithoutBrokerTests : NatsServerFixture
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Host_started_before_nats_is_live_not_ready_and_then_processes_orders()
    {
        await Server.StopAsync();
        await using var host = await RunningOrderHost.StartAsync(Server, waitUntilReady: false);

        var live = await host.Api.GetAsync("/health/live");
        var ready = await host.Api.GetAsync("/health/ready");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(live.Status, Is.EqualTo(HttpStatusCode.OK), live.ToString());
            Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), ready.ToString());
            Assert.That(ready.Json().GetProperty("checks")[0].GetProperty("description").GetString(), Is.Not.Null.And.Not.Empty, $"reason in {ready}");
        }

        await Server.StartAsync();
        await host.WaitUntilReadyAsync(Recovery);
        var orderId = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var order = await host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Recovery);

        Assert.That(order.Status, Is.EqualTo("paid"));
    }
}
