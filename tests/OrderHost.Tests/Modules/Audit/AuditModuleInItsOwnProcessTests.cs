using System.Text.RegularExpressions;
using OrderHost.Modules.Audit;
using OrderHost.Notifications.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;
using OrderHost.Tests.Topology;

namespace OrderHost.Tests.Modules.Audit;

/// <summary>
/// A running system that names its modules (<c>Modules__Enabled</c>) gets the audit module as a process of its own, from
/// the same build (tests/OrderHost.AuditHost): the existing process does not run it, its durable, created after orders
/// were paid, leaves them alone, and once created it resumes after a restart with the orders paid while it was down.
/// Both are child processes; what each runs is read from the server and from their logs and /metrics.
/// </summary>
[TestFixture]
public sealed partial class AuditModuleInItsOwnProcessTests : NatsServerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The modules' durables on ORDERS: the shipped ones and the audit module's.</summary>
    private static readonly HashSet<string> ModuleConsumers =
        [PaymentConsumers.Processor, NotificationConsumers.Paid, NotificationConsumers.Failed, AuditModule.PaidConsumer];

    private static readonly Dictionary<string, string?> AuditOnly = new()
    {
        ["Modules__Enabled"] = AuditModule.Name,
        // Each counted order is logged at Information; the test reads those lines.
        ["Logging__LogLevel__OrderHost.Modules.Audit"] = "Information",
    };

    [Test]
    public async Task An_audit_process_added_later_counts_only_orders_paid_after_its_durable_exists_and_none_missed_while_down()
    {
        var dll = AuditHostBuild.Dll();
        await using var system = await PublishedHost.StartAsync(
            dll, Server, "shipped-modules", ModuleProcesses.Only(ModuleProcesses.Orders, ModuleProcesses.Payments, ModuleProcesses.Notifications));
        var before = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
        await system.Api.WaitForOrderAsync(before, o => o.IsCompleted, "completed", Patience);
        Assert.That(await Broker.FindConsumerAsync(AuditModule.PaidConsumer), Is.Null, "the durable before the audit process started: the existing process does not provision it");

        IReadOnlySet<Guid> firstRun;
        IReadOnlyList<string> auditConsumers;
        await using (var audit = await PublishedHost.StartAsync(dll, Server, "audit", AuditOnly))
        {
            var after = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
            await system.Api.WaitForOrderAsync(after, o => o.IsCompleted, "completed", Patience);
            firstRun = await Eventually.Until(() => Task.FromResult(Audited(audit)), ids => ids.Contains(after), $"{audit} to log the order paid after it started", Patience);
            auditConsumers = await ConsumersReportedByAsync(audit);
            Assert.That(await audit.StopAsync(), Is.Zero, $"exit code of {audit} after SIGTERM");
        }

        // Down, then back: the durable exists, so it resumes where it stopped and gets the order paid meanwhile.
        var whileDown = await system.Api.PlaceOrderAsync(OrderBodies.Paid());
        await system.Api.WaitForOrderAsync(whileDown, o => o.IsCompleted, "completed", Patience);
        await using var restarted = await PublishedHost.StartAsync(dll, Server, "audit-restarted", AuditOnly);
        var secondRun = await Eventually.Until(() => Task.FromResult(Audited(restarted)), ids => ids.Contains(whileDown), $"{restarted} to log the order paid while it was down", Patience);
        var systemConsumers = await ConsumersReportedByAsync(system);

        // The stream delivers in order: had the durable started at the first message, the earlier order would be counted by now.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(firstRun, Has.Count.EqualTo(1), $"first run: only the order paid after it started (before: {before})");
            Assert.That(secondRun, Does.Not.Contain(before), "after the restart: still not the order paid before the durable existed");
            Assert.That(auditConsumers, Is.EqualTo(new[] { AuditModule.PaidConsumer }), "the audit process runs only its module's consumer");
            Assert.That(systemConsumers, Is.EquivalentTo(new[] { PaymentConsumers.Processor, NotificationConsumers.Paid, NotificationConsumers.Failed }), "the existing process runs its modules' consumers, not the audit module's");
        }
    }

    /// <summary>The orders a process logged as audited.</summary>
    private static HashSet<Guid> Audited(PublishedHost host)
        => [.. host.Process.StandardOutput.Lines().Select(l => AuditedLine().Match(l)).Where(m => m.Success).Select(m => Guid.Parse(m.Groups[1].Value))];

    /// <summary>The consumers a process reports lag for: the ones it runs (the gauges are read right after start, then every 5 s).</summary>
    private static Task<IReadOnlyList<string>> ConsumersReportedByAsync(PublishedHost host)
        => Eventually.Until(
            async () => (IReadOnlyList<string>)[.. (await host.ScrapeMetricsAsync())
                .Where(m => m.Name == "orderhost_consumer_pending_messages")
                .Select(m => m.Label("consumer") ?? string.Empty)
                .Where(ModuleConsumers.Contains)
                .Distinct()
                .Order(StringComparer.Ordinal)],
            names => names.Count > 0,
            $"{host} to report consumer lag",
            Patience);

    [GeneratedRegex(@"Audited paid order ([0-9a-f-]{36})")]
    private static partial Regex AuditedLine();
}
