using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.JetStream.Models;
using OrderHost.Host.Composition;
using OrderHost.Modules.Audit;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Modules.Audit;

/// <summary>The test module added to the one-process host with one line: it runs beside the shipped modules and the flow is unchanged.</summary>
[TestFixture]
public sealed class AuditModuleInOneProcessTests : OrderHostFixture
{
    protected override Action<WebApplicationBuilder>? ConfigureHost => b => b.AddModule(AuditModuleEntry.Entry);

    [Test]
    public async Task Paid_orders_are_counted_once_and_failed_ones_not_while_the_flow_completes()
    {
        var paid = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await Host.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        var paidState = await Host.Api.WaitForOrderAsync(paid, o => o.IsCompleted, "completed");
        var failedState = await Host.Api.WaitForOrderAsync(failed, o => o.IsCompleted, "completed");
        var audit = Host.Services.GetRequiredService<PaidOrderAudit>();
        await Eventually.True(() => Task.FromResult(audit.Saw(paid)), "the audit module to count the paid order");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paidState.Status, Is.EqualTo("paid"));
            Assert.That(failedState.Status, Is.EqualTo("payment_failed"));
            Assert.That(audit.Saw(failed), Is.False, "a failed payment is not on orders.paid");
        }
    }

    [Test]
    public async Task Its_durable_is_provisioned_from_its_declaration_and_starts_at_new_messages()
    {
        var consumer = await Broker.FindConsumerAsync(AuditModule.PaidConsumer);

        Assert.That(consumer, Is.Not.Null, "durable audit-paid");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(consumer!.Config.DeliverPolicy, Is.EqualTo(ConsumerConfigDeliverPolicy.New));
            Assert.That(consumer.Config.FilterSubject, Is.EqualTo("orders.paid.*"));
        }
    }
}
