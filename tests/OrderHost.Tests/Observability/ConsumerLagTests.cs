using Microsoft.AspNetCore.Builder;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Observability;

/// <summary>
/// orderhost_consumer_pending_messages is the consumer's lag: while the payment provider holds the one
/// charge payment-processor may have in flight (MaxAckPending 1), new orders pile up and the gauge on
/// /metrics rises with them; once the provider answers, it falls back to 0.
/// </summary>
[TestFixture]
public sealed class ConsumerLagTests : OrderHostFixture
{
    private const int Orders = 6;
    private const string PaymentProcessor = PaymentConsumers.Processor;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly GatedPaymentGateway _gateway = new();

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Nats:Consumers:LagInterval"] = "00:00:00.500",
        [$"Nats:Consumers:{PaymentProcessor}:MaxAckPending"] = "1",
        [$"Nats:Consumers:{PaymentProcessor}:MaxConcurrency"] = "1",
        [$"Nats:Consumers:{PaymentProcessor}:PullBatch"] = "1",
        // The held charge must not be redelivered while the test watches the lag.
        [$"Nats:Consumers:{PaymentProcessor}:AckWait"] = "00:02:00",
    };

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(gateway: _gateway);

    /// <summary>Runs before the host stops: a held charge would hold up its shutdown.</summary>
    [OneTimeTearDown]
    public void OpenTheGate() => _gateway.Open();

    [Test]
    public async Task Pending_gauge_rises_while_payments_are_held_and_falls_to_zero_when_they_flow()
    {
        var api = Host.Api;
        await Eventually.Until(() => LagAsync(api), lag => lag.Pending == 0, "the payment-processor lag gauge to be reported as 0 at rest", Patience);

        var placed = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            placed.Add(await api.PlaceOrderAsync(OrderBodies.Paid()));
        }

        var held = await Eventually.Until(
            () => LagAsync(api),
            lag => lag.Pending >= Orders - 1 && lag.AckPending == 1,
            $"orderhost_consumer_pending_messages{{consumer=\"{PaymentProcessor}\"}} >= {Orders - 1} with 1 ack pending",
            Patience);
        var server = await Broker.FindConsumerAsync(PaymentProcessor);
        TestContext.Out.WriteLine($"while held: /metrics {held}; server num_pending {server?.NumPending}, ack pending {server?.NumAckPending}");
        Assert.That(_gateway.Waiting, Is.EqualTo(1), "charges held by the provider");

        _gateway.Open();

        var drained = await Eventually.Until(
            () => LagAsync(api),
            lag => lag is { Pending: 0, AckPending: 0 },
            $"orderhost_consumer_pending_messages{{consumer=\"{PaymentProcessor}\"}} and ack pending back to 0",
            Patience);
        TestContext.Out.WriteLine($"after release: /metrics {drained}");
        foreach (var orderId in placed)
        {
            await api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        }
    }

    private static async Task<Lag> LagAsync(OrderApiClient api)
    {
        var samples = PrometheusText.Parse((await api.GetAsync("/metrics")).Body);
        double? Gauge(string name) => samples.Where(s => s.Name == name && s.Label("consumer") == PaymentProcessor).Select(s => (double?)s.Value).FirstOrDefault();
        return new Lag(Gauge("orderhost_consumer_pending_messages"), Gauge("orderhost_consumer_ack_pending_messages"));
    }

    private sealed record Lag(double? Pending, double? AckPending);
}
