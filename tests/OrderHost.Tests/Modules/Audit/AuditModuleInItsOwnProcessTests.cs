using Microsoft.Extensions.DependencyInjection;
using OrderHost.Host.Composition;
using OrderHost.Messaging.Consuming;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Modules.Audit;

/// <summary>
/// A running system that names its modules (<c>Modules:Enabled</c>) gets the audit module as a second host on the same
/// NATS: the existing process does not start it, its durable, created after orders were paid, leaves them alone, and
/// once created it resumes after a restart with the orders paid while it was down.
/// (A second in-process host rather than a published process: the module lives in the test assembly.)
/// </summary>
[TestFixture]
public sealed class AuditModuleInItsOwnProcessTests : NatsServerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task An_audit_process_added_later_counts_only_orders_paid_after_its_durable_exists_and_none_missed_while_down()
    {
        var shippedModules = string.Join(',', ModuleTable.Shipped.Select(m => m.Name));
        await using var system = await RunningOrderHost.StartAsync(
            Server, new Dictionary<string, string?> { ["Modules:Enabled"] = shippedModules }, b => b.AddModule(AuditModule.Entry));
        var before = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
        await system.Api.WaitForOrderAsync(before, o => o.IsCompleted, "completed", Patience);

        var auditSettings = new Dictionary<string, string?> { ["Modules:Enabled"] = AuditModule.Name };
        var audit = await RunningOrderHost.StartAsync(Server, auditSettings, b => b.AddModule(AuditModule.Entry));
        PaidOrderAudit counted;
        try
        {
            var after = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
            await system.Api.WaitForOrderAsync(after, o => o.IsCompleted, "completed", Patience);
            counted = audit.Services.GetRequiredService<PaidOrderAudit>();
            await Eventually.True(() => Task.FromResult(counted.Saw(after)), "the audit process to count the order paid after it started", Patience);
        }
        finally
        {
            await audit.DisposeAsync();
        }

        // Down, then back: the durable exists, so it resumes where it stopped and gets the order paid meanwhile.
        var whileDown = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
        await system.Api.WaitForOrderAsync(whileDown, o => o.IsCompleted, "completed", Patience);
        await using var restarted = await RunningOrderHost.StartAsync(Server, auditSettings, b => b.AddModule(AuditModule.Entry));
        var recounted = restarted.Services.GetRequiredService<PaidOrderAudit>();
        await Eventually.True(() => Task.FromResult(recounted.Saw(whileDown)), "the restarted audit process to count the order paid while it was down", Patience);

        // The stream delivers in order: had the durable started at the first message, the earlier order would be counted by now.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(counted.Saw(before), Is.False, "the order paid before the durable existed");
            Assert.That(counted.Count, Is.EqualTo(1), "first run: only the order paid after it started");
            Assert.That(recounted.Saw(before), Is.False, "after the restart: still not the order paid before the durable existed");
            Assert.That(system.Services.GetServices<ConsumerDefinition>().Select(d => d.DurableName), Does.Not.Contain(AuditModule.PaidConsumer), "the existing process does not run the module");
            Assert.That(restarted.Services.GetServices<ConsumerDefinition>().Select(d => d.DurableName), Is.EqualTo(new[] { AuditModule.PaidConsumer }), "the audit process runs only its module");
        }
    }
}
