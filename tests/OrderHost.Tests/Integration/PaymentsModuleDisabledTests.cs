using OrderHost.Notifications.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary><c>Modules:Payments:Enabled=false</c>: no payment consumer on the server, so orders are never charged.</summary>
[TestFixture]
public sealed class PaymentsModuleDisabledTests : OrderHostFixture
{
    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?> { ["Modules:Payments:Enabled"] = "false" };

    [Test]
    public async Task Payment_processor_consumer_does_not_exist()
    {
        var consumers = await Broker.ListConsumersAsync();

        using (Assert.EnterMultipleScope())
        {
            // The host is ready, so its own consumers are provisioned: the absence is not a race.
            Assert.That(consumers.Select(c => c.Name), Does.Contain(NotificationConsumers.Paid));
            Assert.That(await Broker.FindConsumerAsync(PaymentConsumers.Processor), Is.Null);
        }
    }

    [Test]
    public async Task Order_stays_accepted()
    {
        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        await Host.Api.WaitForOrderAsync(orderId, o => o.HasStep("accepted"), "readable");

        // Once every running consumer has settled everything, nothing else can move the order.
        await Eventually.True(
            async () => await Broker.IsCaughtUpAsync(NotificationConsumers.Paid)
                && await Broker.IsCaughtUpAsync(NotificationConsumers.Failed),
            "the running consumers to catch up");

        var order = await Host.Api.FindOrderAsync(orderId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order!.Status, Is.EqualTo("accepted"));
            Assert.That(order.Notified, Is.False);
            Assert.That(await Broker.CountForOrderAsync(PaymentEvents.Succeeded.Subject, orderId), Is.Zero, "orders.paid");
            Assert.That(await Broker.CountForOrderAsync(PaymentEvents.Failed.Subject, orderId), Is.Zero, "orders.payment_failed");
        }
    }
}
