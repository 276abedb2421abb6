using Microsoft.Extensions.DependencyInjection;
using OrderHost.Host.Composition;
using OrderHost.Messaging.Consuming;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Modules.Audit;

/// <summary>
/// A running system that names its modules (<c>Modules:Enabled</c>) gets the audit module as a second host on the same
/// NATS: the existing process does not start it, and its durable, created after orders were paid, leaves them alone.
/// (A second in-process host rather than a published process: the module lives in the test assembly.)
/// </summary>
[TestFixture]
public sealed class AuditModuleInItsOwnProcessTests : NatsServerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task An_audit_process_added_later_counts_only_orders_paid_after_its_durable_exists()
    {
        var shippedModules = string.Join(',', ModuleTable.Shipped.Select(m => m.Name));
        await using var system = await RunningOrderHost.StartAsync(
            Server, new Dictionary<string, string?> { ["Modules:Enabled"] = shippedModules }, b => b.AddModule(AuditModule.Entry));
        var before = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
        await system.Api.WaitForOrderAsync(before, o => o.IsCompleted, "completed", Patience);

        await using var audit = await RunningOrderHost.StartAsync(
            Server, new Dictionary<string, string?> { ["Modules:Enabled"] = AuditModule.Name }, b => b.AddModule(AuditModule.Entry));
        var after = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
        await system.Api.WaitForOrderAsync(after, o => o.IsCompleted, "completed", Patience);
        var counted = audit.Services.GetRequiredService<PaidOrderAudit>();
        await Eventually.True(() => Task.FromResult(counted.Saw(after)), "the audit process to count the order paid after it started", Patience);

        // The stream delivers in order: had the durable started at the first message, the earlier order would be counted by now.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(counted.Saw(before), Is.False, "the order paid before the durable existed");
            Assert.That(counted.Count, Is.EqualTo(1));
            Assert.That(system.Services.GetServices<ConsumerDefinition>().Select(d => d.DurableName), Does.Not.Contain(AuditModule.PaidConsumer), "the existing process does not run the module");
            Assert.That(audit.Services.GetServices<ConsumerDefinition>().Select(d => d.DurableName), Is.EqualTo(new[] { AuditModule.PaidConsumer }), "the audit process runs only its module");
        }
    }
}
