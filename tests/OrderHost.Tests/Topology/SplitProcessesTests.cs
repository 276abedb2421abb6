using System.Net;
using OrderHost.Notifications.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Topology;

/// <summary>
/// The same published build as three processes, one module each (only Modules__Enabled differs),
/// processes orders as the one-process host does; the processes without Orders have no orders API.
/// </summary>
[TestFixture]
public sealed class SplitProcessesTests : NatsServerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string[] PaidHistory = ["accepted", "paid", "notified"];
    private static readonly string[] FailedHistory = ["accepted", "payment_failed", "notified"];
    private static readonly HashSet<string> OrdersStreamConsumers = [PaymentConsumers.Processor, NotificationConsumers.Paid, NotificationConsumers.Failed];
    private PublishedHost? _orders;
    private PublishedHost? _payments;
    private PublishedHost? _notifications;

    private PublishedHost OrdersProcess => _orders!;

    private PublishedHost PaymentsProcess => _payments!;

    private PublishedHost NotificationsProcess => _notifications!;

    [OneTimeSetUp]
    public async Task StartProcessesAsync()
    {
        var hosts = await ModuleProcesses.StartAsync(
            Server,
            ("split-orders", [ModuleProcesses.Orders]),
            ("split-payments", [ModuleProcesses.Payments]),
            ("split-notifications", [ModuleProcesses.Notifications]));
        (_orders, _payments, _notifications) = (hosts[0], hosts[1], hosts[2]);
    }

    [OneTimeTearDown]
    public async Task StopProcessesAsync()
    {
        foreach (var host in new[] { _orders, _payments, _notifications })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Paid_and_failed_orders_complete_across_three_processes_as_in_one()
    {
        var paymentsBefore = await PaymentsProcess.ScrapeMetricsAsync();
        var notificationsBefore = await NotificationsProcess.ScrapeMetricsAsync();

        var paid = await OrdersProcess.Api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await OrdersProcess.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        var paidState = await OrdersProcess.Api.WaitForOrderAsync(paid, o => o.IsCompleted, "completed", Patience);
        var failedState = await OrdersProcess.Api.WaitForOrderAsync(failed, o => o.IsCompleted, "completed", Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paidState.Status, Is.EqualTo("paid"), paidState.ToString());
            Assert.That(paidState.History.Select(s => s.Status), Is.EqualTo(PaidHistory), paidState.ToString());
            Assert.That(failedState.Status, Is.EqualTo("payment_failed"), failedState.ToString());
            Assert.That(failedState.History.Select(s => s.Status), Is.EqualTo(FailedHistory), failedState.ToString());
        }

        var audit = await PipelineAudit.TakeSettledAsync(Broker, Patience);
        audit.AssertExactlyOnce([paid, failed], "orders", new Dictionary<Guid, string> { [paid] = "paid", [failed] = "payment_failed" });

        // Each effect was counted by the process whose module did it, and only there.
        var payments = await Eventually.Until(
            PaymentsProcess.ScrapeMetricsAsync,
            m => Delta(paymentsBefore, m, "orderhost_payments_processed_total", ("outcome", "paid")) == 1
                && Delta(paymentsBefore, m, "orderhost_payments_processed_total", ("outcome", "failed")) == 1,
            $"payments processed (paid 1, failed 1) on {PaymentsProcess}",
            Patience);
        var notifications = await Eventually.Until(
            NotificationsProcess.ScrapeMetricsAsync,
            m => Delta(notificationsBefore, m, "orderhost_notifications_sent_total", ("kind", "paid")) == 1
                && Delta(notificationsBefore, m, "orderhost_notifications_sent_total", ("kind", "failed")) == 1,
            $"notifications sent (paid 1, failed 1) on {NotificationsProcess}",
            Patience);
        var orders = await OrdersProcess.ScrapeMetricsAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(orders.Sum("orderhost_payments_processed_total"), Is.Zero, "payments counted by the Orders process");
            Assert.That(orders.Sum("orderhost_notifications_sent_total"), Is.Zero, "notifications counted by the Orders process");
            Assert.That(payments.Sum("orderhost_notifications_sent_total"), Is.Zero, "notifications counted by the Payments process");
            Assert.That(notifications.Sum("orderhost_payments_processed_total"), Is.Zero, "payments counted by the Notifications process");
            Assert.That(payments.Sum("orderhost_orders_accepted_total") + notifications.Sum("orderhost_orders_accepted_total"), Is.Zero, "orders accepted outside the Orders process");
        }
    }

    [Test]
    public async Task Each_process_consumes_only_for_its_own_module()
    {
        var expected = new (PublishedHost Host, string[] Consumers)[]
        {
            (OrdersProcess, []),
            (PaymentsProcess, [PaymentConsumers.Processor]),
            (NotificationsProcess, [NotificationConsumers.Failed, NotificationConsumers.Paid]),
        };

        foreach (var (host, consumers) in expected)
        {
            // The lag gauges name the consumers this process runs (read right after start, then every 5 s).
            await Eventually.Until(
                async () => (await host.ScrapeMetricsAsync())
                    .Where(m => m.Name == "orderhost_consumer_pending_messages")
                    .Select(m => m.Label("consumer") ?? string.Empty)
                    .Where(OrdersStreamConsumers.Contains)
                    .Order(StringComparer.Ordinal)
                    .ToList(),
                names => names.SequenceEqual(consumers),
                $"{host} to report lag for exactly [{string.Join(", ", consumers)}]",
                Patience);
        }
    }

    [Test]
    public async Task Payments_and_notifications_processes_answer_health_and_metrics_but_not_orders()
    {
        var someOrder = Guid.CreateVersion7();
        using (Assert.EnterMultipleScope())
        {
            foreach (var host in new[] { PaymentsProcess, NotificationsProcess })
            {
                var ready = await host.GetAsync("/health/ready");
                var live = await host.GetAsync("/health/live");
                var metrics = await host.GetAsync("/metrics");
                var post = await host.Api.PostOrderAsync(OrderBodies.Paid());
                var get = await host.Api.GetOrderAsync(someOrder);
                Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.OK), $"/health/ready of {host}: {ready}");
                Assert.That(live.Status, Is.EqualTo(HttpStatusCode.OK), $"/health/live of {host}: {live}");
                Assert.That(metrics.Status, Is.EqualTo(HttpStatusCode.OK), $"/metrics of {host}: {metrics}");
                Assert.That(metrics.Body, Does.Contain("orderhost_nats_connected"), $"/metrics of {host}");
                Assert.That(post.Status, Is.EqualTo(HttpStatusCode.NotFound), $"POST /orders on {host}: {post}");
                Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NotFound), $"GET /orders/{{id}} on {host}: {get}");
                Assert.That(get.Body, Does.Not.Contain("Order not found"), $"GET /orders/{{id}} on {host} must find no route, not an unknown order: {get}");
            }
        }
    }

    private static double Delta(IReadOnlyList<MetricSample> before, IReadOnlyList<MetricSample> after, string name, (string, string) label)
        => after.Sum(name, label) - before.Sum(name, label);
}
