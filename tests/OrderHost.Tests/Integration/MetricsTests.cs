using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>/metrics exposes the contract's metric names and labels (docs/operations.md, "Metrics").</summary>
[TestFixture]
public sealed class MetricsTests : OrderHostFixture
{
    private IReadOnlyList<MetricSample> _samples = [];

    [OneTimeSetUp]
    public async Task CompleteOnePaidAndOneFailedOrderAsync()
    {
        var paid = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await Host.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        await Host.Api.WaitForOrderAsync(paid, o => o.IsCompleted, "completed");
        await Host.Api.WaitForOrderAsync(failed, o => o.IsCompleted, "completed");

        // Lag gauges are read from the server on a timer: wait until they were observed once.
        _samples = await Eventually.Until(
            async () => PrometheusText.Parse((await Host.Api.GetAsync("/metrics")).Body),
            s => s.Any(m => m.Name == "orderhost_consumer_pending_messages"),
            "the consumer lag gauges");
    }

    [TestCase("orderhost_orders_accepted_total")]
    [TestCase("orderhost_order_e2e_duration_seconds_bucket")]
    [TestCase("orderhost_order_e2e_duration_seconds_count")]
    [TestCase("orderhost_handler_duration_seconds_bucket")]
    [TestCase("orderhost_consumer_pending_messages")]
    [TestCase("orderhost_consumer_ack_pending_messages")]
    [TestCase("orderhost_nats_connected")]
    public void Metric_is_exposed(string name)
    {
        Assert.That(_samples.Select(s => s.Name), Does.Contain(name));
    }

    /// <summary>Each contract label with the values one paid and one failed order give it.</summary>
    private static readonly TestCaseData[] ContractLabels =
    [
        new("orderhost_payments_processed_total", "outcome", new[] { "paid", "failed" }),
        new("orderhost_notifications_sent_total", "kind", new[] { CustomerNotified.PaidKind, CustomerNotified.FailedKind }),
        new("orderhost_messages_handled_total", "outcome", new[] { "ack" }),
        new("orderhost_messages_handled_total", "consumer", new[] { PaymentConsumers.Processor }),
        new("orderhost_handler_duration_seconds_bucket", "consumer", new[] { NotificationConsumers.Paid }),
        new("orderhost_consumer_pending_messages", "consumer", new[] { NotificationConsumers.Paid }),
        new("orderhost_consumer_ack_pending_messages", "consumer", new[] { NotificationConsumers.Failed }),
        new("orderhost_ledger_appends_total", "outcome", new[] { "stored" }),
        new("orderhost_ledger_appends_total", "step", new[] { OrderEvents.Created.Subject, NotificationEvents.Notified.Subject }),
    ];

    [TestCaseSource(nameof(ContractLabels))]
    public void Metric_has_the_contract_label(string name, string label, string[] values)
    {
        Assert.That(_samples.Where(s => s.Name == name).Select(s => s.Label(label)), Is.SupersetOf(values), $"{name}{{{label}=...}}");
    }

    [Test]
    public void Counters_count_the_completed_orders()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_samples.Single(s => s.Name == "orderhost_orders_accepted_total").Value, Is.EqualTo(2));
            Assert.That(_samples.Single(s => s.Name == "orderhost_order_e2e_duration_seconds_count").Value, Is.EqualTo(2));
            Assert.That(_samples.Single(s => s.Name == "orderhost_nats_connected").Value, Is.EqualTo(1));
        }
    }
}
