using Microsoft.AspNetCore.Builder;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>A handler that fails transiently is retried (nak with back-off) until it succeeds, with a single effect.</summary>
[TestFixture]
public sealed class TransientFailureTests : OrderHostFixture
{
    private const string Handled = "orderhost_messages_handled_total";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly FlakyPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();
    private readonly SecureLogCapture _logs = new();

    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?> { ["Nats:Consumers:NakDelays:0"] = "00:00:00.200" };

    protected override Action<WebApplicationBuilder>? ConfigureHost
        => builder =>
        {
            TestServices.With(gateway: _gateway, sender: _sender)(builder);
            _logs.AddTo(Microsoft.Extensions.Logging.LogLevel.Warning)(builder);
        };

    [Test]
    public async Task Payment_failing_twice_then_succeeding_is_charged_once_on_the_third_delivery()
    {
        var api = Host.Api;
        var customerId = OrderBodies.UniqueCustomerId();
        _gateway.FailTimes(customerId, 2);
        var before = await api.ScrapeMetricsAsync();

        var orderId = await api.PlaceOrderAsync(OrderBodies.Paid(customerId));
        var order = await api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);

        // The ack is counted once it is confirmed, which may be just after the order shows as completed.
        var after = await Eventually.Until(
            api.ScrapeMetricsAsync,
            m => Delta(before, m, "ack") >= 1,
            $"{Handled}{{consumer=\"{PaymentConsumers.Processor}\",outcome=\"ack\"}} to grow",
            Patience);
        var audit = await PipelineAudit.TakeSettledAsync(Broker, Patience);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(_gateway.CallsFor(orderId), Is.EqualTo(3), "gateway calls: two failures, then the approval (delivery count 3)");
            Assert.That(Delta(before, after, "nak"), Is.EqualTo(2), "payment-processor naks");
            Assert.That(Delta(before, after, "ack"), Is.EqualTo(1), "payment-processor acks");
            Assert.That(Delta(before, after, "term"), Is.Zero, "payment-processor terminations");
            Assert.That(audit.CreatedByOrder.GetValueOrDefault(orderId), Is.EqualTo(1), "orders.created of the order");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
        }

        audit.AssertExactlyOnce([orderId], "orders", new Dictionary<Guid, string> { [orderId] = "paid" });
    }

    [Test]
    public async Task A_handler_failure_is_logged_with_the_delivery_and_the_order_in_its_scope()
    {
        var api = Host.Api;
        var customerId = OrderBodies.UniqueCustomerId();
        _gateway.FailTimes(customerId, 1);

        var placed = await api.PostOrderAsync(OrderBodies.Paid(customerId).ToJsonString(), correlationId: $"corr-{customerId}");
        Assert.That(placed.Status, Is.EqualTo(System.Net.HttpStatusCode.Accepted), placed.ToString());
        var orderId = placed.Json().GetProperty("orderId").GetGuid();
        await api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);

        var warning = _logs.Containing("Handler failed").Single(e => e.Contains($"OrderId={orderId}", StringComparison.Ordinal));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(warning, Does.Contain($"Consumer={PaymentConsumers.Processor} | "), warning);
            Assert.That(warning, Does.Contain($"Subject=orders.created.{orderId:D} | "), warning);
            Assert.That(warning, Does.Match(@"StreamSequence=[1-9][0-9]* \| "), warning);
            Assert.That(warning, Does.Contain("DeliveryCount=1 | "), warning);
            Assert.That(warning, Does.Contain($"CorrelationId=corr-{customerId} | "), warning);
            Assert.That(warning, Does.Match("TraceId=[0-9a-f]{32} \\| "), warning);
        }
    }

    private static double Delta(IReadOnlyList<MetricSample> before, IReadOnlyList<MetricSample> after, string outcome)
        => after.Sum(Handled, ("consumer", PaymentConsumers.Processor), ("outcome", outcome)) - before.Sum(Handled, ("consumer", PaymentConsumers.Processor), ("outcome", outcome));
}
