using System.Net;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary><c>Modules:Orders:Enabled=false</c>: no order endpoints and no projection consumer.</summary>
[TestFixture]
public sealed class OrdersModuleDisabledTests : OrderHostFixture
{
    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?> { ["Modules:Orders:Enabled"] = "false" };

    [Test]
    public async Task Post_orders_answers_404()
    {
        var response = await Host.Api.PostOrderAsync(OrderBodies.Paid());

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound), response.ToString());
    }

    [TestCase("/orders/x")]
    [TestCase("/orders/0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d")]
    public async Task Get_order_answers_404(string path)
    {
        var response = await Host.Api.GetAsync(path);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound), response.ToString());
    }

    [Test]
    public async Task Order_projection_consumer_does_not_exist()
    {
        using (Assert.EnterMultipleScope())
        {
            // The host is ready, so its own consumers are provisioned: the absence is not a race.
            Assert.That(await Broker.FindConsumerAsync(PaymentConsumers.Processor), Is.Not.Null);
            Assert.That(await Broker.FindConsumerAsync(OrderConsumers.Projection), Is.Null);
        }
    }
}
