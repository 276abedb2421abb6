using System.Net;
using OrderHost.Notifications.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary><c>Modules:Orders:Enabled=false</c>: no order endpoints.</summary>
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
    public async Task Only_the_other_modules_consumers_exist()
    {
        // The host is ready, so its own consumers are provisioned: the list is not a race. Orders consumes nothing.
        var names = (await Broker.ListConsumersAsync()).Select(c => c.Name).Order(StringComparer.Ordinal);

        Assert.That(names, Is.EqualTo(new[] { NotificationConsumers.Failed, NotificationConsumers.Paid, PaymentConsumers.Processor }.Order(StringComparer.Ordinal)));
    }
}
