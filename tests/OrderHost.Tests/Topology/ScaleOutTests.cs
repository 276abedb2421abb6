using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Topology;

/// <summary>
/// Two Payments processes share the durable payment-processor consumer (Orders and Notifications run in a
/// third): both take a share of the work, and every order is still charged once and notified once.
/// </summary>
[TestFixture]
public sealed class ScaleOutTests : NatsServerFixture
{
    private const int Orders = 300;
    private const int Parallelism = 16;
    private const string Processed = "orderhost_payments_processed_total";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Two_payments_processes_share_the_work_and_charge_each_order_once()
    {
        var hosts = await ModuleProcesses.StartAsync(
            Server,
            ("scale-orders-notifications", [ModuleProcesses.Orders, ModuleProcesses.Notifications]),
            ("scale-payments-1", [ModuleProcesses.Payments]),
            ("scale-payments-2", [ModuleProcesses.Payments]));
        await using var front = hosts[0];
        await using var payments1 = hosts[1];
        await using var payments2 = hosts[2];

        var load = new OrderLoad(front.Api, Parallelism);
        await load.RunAsync(Orders);
        var attempts = load.Attempts;
        Assert.That(attempts.Where(a => !a.Accepted), Is.Empty, "POSTs not answered 202");
        var orderIds = attempts.Select(a => a.OrderId!.Value).ToList();

        var states = await OrderCompletion.WaitAllAsync(front.Api, Broker, orderIds, Patience, expectedNotifiedAtLeast: Orders);
        var (first, second) = await Eventually.Until(
            async () => ((await payments1.ScrapeMetricsAsync()).Sum(Processed), (await payments2.ScrapeMetricsAsync()).Sum(Processed)),
            counts => counts.Item1 + counts.Item2 >= Orders,
            $"{Processed} of both Payments processes to add up to {Orders}",
            Patience);
        var audit = await PipelineAudit.TakeSettledAsync(Broker, Patience);
        TestContext.Out.WriteLine($"Charged by {payments1.Name}: {first}, by {payments2.Name}: {second}.\n{audit.Summary(orderIds)}");

        audit.AssertExactlyOnce(orderIds, "orders", attempts.ToDictionary(a => a.OrderId!.Value, a => a.ExpectedStatus));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.GreaterThan(0), $"orders charged by {payments1}");
            Assert.That(second, Is.GreaterThan(0), $"orders charged by {payments2}");
            Assert.That(first + second, Is.EqualTo(Orders), "orders charged by both together (each order counted once)");
            Assert.That(audit.LedgerWrites.LastSequence, Is.EqualTo(3UL * Orders), "appends to the ledger (per order: created, one outcome, one notification)");
            Assert.That(attempts.Where(a => states[a.OrderId!.Value].Status != a.ExpectedStatus).Select(a => states[a.OrderId!.Value]), Is.Empty, "orders with an unexpected final status");
            Assert.That((await front.GetAsync("/health/ready")).Status, Is.EqualTo(HttpStatusCode.OK), $"{front} still ready");
        }

        // SIGTERM, as an orchestrator scales down: each process settles what it holds and exits cleanly.
        var exitCodes = await Task.WhenAll(hosts.Select(h => h.StopAsync()));
        var loads = await Broker.ListConsumerLoadsAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCodes, Is.All.Zero, $"exit codes after SIGTERM of {string.Join(", ", hosts.Select(h => h.ToString()))}");
            Assert.That(loads.Where(l => l.AckPending > 0), Is.Empty, "consumers left with unacknowledged messages after the processes stopped");
        }
    }
}
