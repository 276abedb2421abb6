using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>An operator (or a bug) deletes a durable consumer under a running host: the host recreates it.</summary>
[TestFixture]
public sealed class ConsumerDeletionTests : OrderHostFixture
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    private static readonly TestCaseData[] Consumers =
    [
        new(PaymentConsumers.Processor, OrderEvents.Created.Subject),
        new(NotificationConsumers.Paid, PaymentEvents.Succeeded.Subject),
        new(NotificationConsumers.Failed, PaymentEvents.Failed.Subject),
    ];

    [TestCaseSource(nameof(Consumers))]
    public async Task Deleted_consumer_is_recreated_and_new_orders_complete(string durableName, string stepSubject)
    {
        var original = await Broker.FindConsumerAsync(durableName);
        Assert.That(original, Is.Not.Null, $"{durableName} before deletion");

        await Broker.DeleteConsumerAsync(durableName);

        var recreated = await Eventually.Until(
            () => Broker.FindConsumerAsync(durableName),
            c => c is not null && c.Created > original!.Created,
            $"{durableName} to be recreated",
            Recovery);
        var filter = recreated!.Config.FilterSubjects is { Count: > 0 } many ? many : [recreated.Config.FilterSubject!];
        Assert.That(filter, Is.EqualTo(new[] { LedgerSubjects.StepFilter(stepSubject) }), "filter of the recreated consumer");

        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Recovery);
        Assert.That(order.Status, Is.EqualTo("paid"));
    }
}
