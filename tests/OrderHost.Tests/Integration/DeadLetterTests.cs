using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using NATS.Client.Core;
using OrderHost.Messaging;
using OrderHost.Messaging.Events;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>
/// Messages that can never be handled go to ORDERS_DLQ (dlq.orders.&gt;) with their subject, data and
/// headers plus the reason, consumer, stream sequence and delivery count; the pipeline keeps going.
/// </summary>
[TestFixture]
public sealed class DeadLetterTests : OrderHostFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;
    private static readonly string DeadCreated = DeadLetterSubject.OfStep(Created);
    private const int PaymentMaxDeliver = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly string[] CreatedConsumers = [PaymentConsumers.Processor];
    private readonly CountingPaymentGateway _gateway = new();

    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?> { [$"Nats:Consumers:{PaymentConsumers.Processor}:MaxDeliver"] = PaymentMaxDeliver.ToString(CultureInfo.InvariantCulture) };

    protected override Action<WebApplicationBuilder>? ConfigureHost
        => TestServices.With(gateway: _gateway);

    [Test]
    public async Task Event_of_an_unknown_version_is_dead_lettered_by_each_consumer_with_its_origin()
    {
        var orderId = Guid.CreateVersion7();
        var body = OrderCreatedEvents.Version1(orderId, OrderBodies.UniqueCustomerId(), 42.5m);
        body["version"] = 99;
        var data = Encoding.UTF8.GetBytes(body.ToJsonString());
        await Broker.PublishAsync(Created, data, new NatsHeaders { ["X-Correlation-Id"] = "corr-v2", ["Nats-Msg-Id"] = $"{orderId:D}:created" });
        var original = (await Broker.ReadForOrderAsync(Created, orderId)).Single();

        var dead = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadCreated, BrokerProbe.DeadLetterStream)).Where(m => m.OrderId == orderId).ToList(),
            list => list.Count == CreatedConsumers.Length,
            "a dead letter from each consumer of orders.created",
            Patience);

        Assert.That(dead.Select(m => m.Header("OrderHost-Dlq-Consumer")).Order(StringComparer.Ordinal), Is.EqualTo(CreatedConsumers));
        foreach (var letter in dead)
        {
            using (Assert.EnterMultipleScope())
            {
                Assert.That(letter.Text, Is.EqualTo(original.Text), "data kept byte for byte");
                Assert.That(letter.Header("X-Correlation-Id"), Is.EqualTo("corr-v2"), "original headers kept");
                Assert.That(letter.Header("OrderHost-Dlq-Reason"), Does.Contain("unsupported version 99"));
                Assert.That(letter.Header("OrderHost-Dlq-Subject"), Is.EqualTo(original.Subject));
                Assert.That(letter.Subject, Is.EqualTo($"dlq.orders.{original.Sequence}.created.{orderId:D}"), "filed under the original sequence, step and order");
                // The only instructions to the server it carries are its own: stored while nothing is stored under the original's sequence.
                Assert.That(letter.Header("Nats-Expected-Last-Subject-Sequence-Subject"), Is.EqualTo($"dlq.orders.{original.Sequence}.>"), "the entry's condition");
                Assert.That(letter.Header("Nats-Expected-Last-Subject-Sequence"), Is.EqualTo("0"), "the entry's condition");
                Assert.That(letter.Header("OrderHost-Dlq-Stream"), Is.EqualTo(BrokerProbe.OrdersStream));
                Assert.That(letter.Header("OrderHost-Dlq-Stream-Sequence"), Is.EqualTo(original.Sequence.ToString(CultureInfo.InvariantCulture)));
                Assert.That(letter.Header("OrderHost-Dlq-Deliveries"), Is.EqualTo("1"));
            }
        }

        await AssertSettledAndPipelineStillRunsAsync();
        Assert.That(_gateway.ChargesFor(orderId), Is.Zero, "charges of the unreadable order");
    }

    [Test]
    public async Task Malformed_event_is_dead_lettered_as_malformed()
    {
        var marker = $"not json {Guid.NewGuid():N}";
        await Broker.PublishAsync(Created, Encoding.UTF8.GetBytes(marker));

        var dead = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadCreated, BrokerProbe.DeadLetterStream)).Where(m => m.Text == marker).ToList(),
            list => list.Count == CreatedConsumers.Length,
            "a dead letter from each consumer of orders.created",
            Patience);

        Assert.That(dead.Select(m => m.Header("OrderHost-Dlq-Reason")), Has.All.StartsWith("malformed JSON"));
        await AssertSettledAndPipelineStillRunsAsync();
    }

    [Test]
    public async Task Event_filed_under_another_order_s_subject_is_dead_lettered_as_invalid_and_charges_nobody()
    {
        var orderId = Guid.CreateVersion7();
        var otherOrder = Guid.CreateVersion7();
        var data = OrderCreatedEvents.Bytes(OrderCreatedEvents.Version1(orderId, OrderBodies.UniqueCustomerId(), 42.5m));
        await Broker.PublishAsync($"{Created}.{otherOrder:D}", data);

        var letter = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadCreated, BrokerProbe.DeadLetterStream)).SingleOrDefault(m => m.OrderId == orderId),
            m => m is not null,
            "the dead letter of the misfiled event",
            Patience);

        Assert.That(letter!.Header("OrderHost-Dlq-Reason"), Does.Contain($"does not name aggregate {orderId:D}"), letter.ToString());
        await AssertSettledAndPipelineStillRunsAsync();
        Assert.That(_gateway.ChargesFor(orderId) + _gateway.ChargesFor(otherOrder), Is.Zero, "charges of either order");
    }

    [Test]
    public async Task Handler_that_keeps_failing_is_dead_lettered_after_max_deliver_attempts()
    {
        var customerId = OrderBodies.UniqueCustomerId();
        _gateway.MakeUnreachableFor(customerId);

        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid(customerId));

        var letter = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadCreated, BrokerProbe.DeadLetterStream))
                .SingleOrDefault(m => m.OrderId == orderId && m.Header(MessageHeaders.DeadLetterConsumer) == PaymentConsumers.Processor),
            m => m is not null,
            "the payment-processor dead letter",
            Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(letter!.Header("OrderHost-Dlq-Deliveries"), Is.EqualTo(PaymentMaxDeliver.ToString(CultureInfo.InvariantCulture)));
            Assert.That(letter.Header("OrderHost-Dlq-Reason"), Does.Contain("max deliveries"));
            Assert.That(_gateway.ChargesFor(orderId), Is.EqualTo(PaymentMaxDeliver), "charge attempts");
            Assert.That((await Host.Api.FindOrderAsync(orderId))?.Status, Is.EqualTo("accepted"));
        }
    }

    [Test]
    public async Task Dead_letters_are_counted_in_metrics()
    {
        var before = await MalformedDeadLettersOfPaymentsAsync();

        await Broker.PublishAsync(Created, Encoding.UTF8.GetBytes($"not json {Guid.NewGuid():N}"));

        await Eventually.Until(
            MalformedDeadLettersOfPaymentsAsync,
            count => count == before + 1,
            "orderhost_dead_letters_total{consumer=\"payment-processor\",reason=\"malformed_json\"} to grow by one",
            Patience);
    }

    private async Task AssertSettledAndPipelineStillRunsAsync()
    {
        await Eventually.True(
            async () => await Broker.FindConsumerAsync(PaymentConsumers.Processor) is { NumAckPending: 0 },
            "the consumers to have settled the message");
        var next = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        await Host.Api.WaitForOrderAsync(next, o => o.IsCompleted, "completed", Patience);
    }

    private async Task<double> MalformedDeadLettersOfPaymentsAsync()
        => PrometheusText.Parse((await Host.Api.GetAsync("/metrics")).Body)
            .Where(m => m.Name == "orderhost_dead_letters_total" && m.Label("reason") == DeadLetterReasons.MalformedJson && m.Label("consumer") == PaymentConsumers.Processor)
            .Sum(m => m.Value);
}
