using System.Net;
using NATS.Client.KeyValueStore;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// Moving a durable consumer back to the start of the stream (POST /admin/consumers/{name}/replay)
/// re-delivers everything and repeats no side effect: nobody is charged or notified again; replaying
/// the projection rebuilds the read model to the same states.
/// </summary>
[TestFixture]
public sealed class ConsumerReplayTests : NatsServerFixture
{
    private const string ApiKey = "replay-admin-key";
    private const string PaymentProcessor = "payment-processor";
    private const string Projection = "order-projection";
    private const string Handled = "orderhost_messages_handled_total";
    private const int PaidOrders = 8;
    private const int FailedOrders = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly FlakyPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();
    private RunningOrderHost? _host;
    private AdminApiClient? _admin;
    private IReadOnlyDictionary<Guid, OrderState> _completed = new Dictionary<Guid, OrderState>();

    private OrderApiClient Api => _host!.Api;

    private AdminApiClient Admin => _admin!;

    [OneTimeSetUp]
    public async Task StartHostAndCompleteOrdersAsync()
    {
        _host = await RunningOrderHost.StartAsync(
            Server,
            new Dictionary<string, string?> { ["Admin:ApiKey"] = ApiKey },
            TestServices.With(gateway: _gateway, sender: _sender));
        _admin = new AdminApiClient(_host.Api.BaseAddress);

        var orderIds = new List<Guid>();
        for (var i = 0; i < PaidOrders + FailedOrders; i++)
        {
            orderIds.Add(await Api.PlaceOrderAsync(i < PaidOrders ? OrderBodies.Paid() : OrderBodies.OverApprovalLimit()));
        }

        _completed = await OrderCompletion.WaitAllAsync(Api, Broker, orderIds, Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        Assert.That(
            orderIds.Select(id => _completed[id].Status),
            Is.EqualTo(Enumerable.Repeat("paid", PaidOrders).Concat(Enumerable.Repeat("payment_failed", FailedOrders))),
            "final statuses before any replay");
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        _admin?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task Replaying_payment_processor_from_the_first_sequence_charges_and_notifies_nobody_again()
    {
        var orderIds = _completed.Keys.ToList();
        var before = await PipelineAudit.TakeAsync(Broker);
        var charges = PipelineAudit.PerOrder(_gateway.Snapshot(), orderIds);
        var sent = PipelineAudit.PerOrder(_sender.Snapshot(), orderIds);
        var metricsBefore = await Api.ScrapeMetricsAsync();
        var createdInStream = await Broker.CountAsync(PipelineAudit.Created);

        var replay = await Admin.ReplayConsumerFromSequenceAsync(PaymentProcessor, 1, ApiKey);

        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK), replay.ToString());
        Assert.That(replay.Json().GetProperty("resetToSequence").GetUInt64(), Is.EqualTo(1UL), replay.ToString());
        await WaitUntilRedeliveredAsync(PaymentProcessor, metricsBefore, createdInStream);
        await Broker.WaitUntilSettledAsync(Patience);

        var after = await PipelineAudit.TakeAsync(Broker);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PipelineAudit.PerOrder(_gateway.Snapshot(), orderIds), Is.EqualTo(charges), "gateway charges per order");
            Assert.That(PipelineAudit.PerOrder(_sender.Snapshot(), orderIds), Is.EqualTo(sent), "notifications sent per order");
            Assert.That(after.PaymentWrites, Is.EqualTo(before.PaymentWrites), "payments bucket (messages, writes)");
            Assert.That(after.NotificationWrites, Is.EqualTo(before.NotificationWrites), "notifications bucket (messages, writes)");
            Assert.That(PipelineAudit.PerOrder(after.PaidByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.PaidByOrder, orderIds)), "orders.paid per order");
            Assert.That(PipelineAudit.PerOrder(after.FailedByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.FailedByOrder, orderIds)), "orders.payment_failed per order");
            Assert.That(PipelineAudit.PerOrder(after.NotifiedByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.NotifiedByOrder, orderIds)), "orders.notified per order");
        }

        after.AssertExactlyOnce(orderIds, "orders after the replay", _completed.ToDictionary(p => p.Key, p => p.Value.Status));
    }

    [Test]
    public async Task Replaying_order_projection_from_the_first_sequence_rebuilds_the_same_read_model()
    {
        var metricsBefore = await Api.ScrapeMetricsAsync();
        var eventsInStream = (await Broker.JetStream.GetStreamAsync(BrokerProbe.OrdersStream)).Info.State.Messages;

        // Forget the read model of these orders, so only the replay can bring them back.
        var readModel = await new NatsKVContext(Broker.JetStream).GetStoreAsync("orders");
        foreach (var orderId in _completed.Keys)
        {
            foreach (var step in new[] { "accepted", "payment", "notified" })
            {
                await readModel.DeleteAsync($"{orderId:D}.{step}");
            }
        }

        var forgotten = await Api.GetOrderAsync(_completed.Keys.First());
        Assert.That(forgotten.Status, Is.EqualTo(HttpStatusCode.NotFound), $"GET of an order whose read model was deleted: {forgotten}");

        var replay = await Admin.ReplayConsumerFromSequenceAsync(Projection, 1, ApiKey);

        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK), replay.ToString());
        await WaitUntilRedeliveredAsync(Projection, metricsBefore, (ulong)eventsInStream);
        await Broker.WaitUntilSettledAsync(Patience);
        var rebuilt = await OrderCompletion.WaitAllAsync(Api, Broker, [.. _completed.Keys], Patience);
        using (Assert.EnterMultipleScope())
        {
            foreach (var (orderId, original) in _completed)
            {
                var state = rebuilt[orderId];
                Assert.That(state.ToString(), Is.EqualTo(original.ToString()), $"rebuilt read model of {orderId}");
                Assert.That(state.Total, Is.EqualTo(original.Total), $"total of {orderId}");
                Assert.That(state.CustomerId, Is.EqualTo(original.CustomerId), $"customer of {orderId}");
            }
        }
    }

    [Test]
    public async Task Replay_of_an_unknown_consumer_answers_404_and_one_without_a_start_answers_400()
    {
        var unknown = await Admin.ReplayConsumerFromSequenceAsync("no-such-consumer", 1, ApiKey);
        var noStart = await Admin.ReplayConsumerAsync(PaymentProcessor, "{}", ApiKey);
        var bothStarts = await Admin.ReplayConsumerAsync(PaymentProcessor, """{"fromSequence":1,"fromTime":"2026-01-01T00:00:00Z"}""", ApiKey);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unknown.Status, Is.EqualTo(HttpStatusCode.NotFound), unknown.ToString());
            Assert.That(noStart.Status, Is.EqualTo(HttpStatusCode.BadRequest), noStart.ToString());
            Assert.That(bothStarts.Status, Is.EqualTo(HttpStatusCode.BadRequest), bothStarts.ToString());
        }
    }

    /// <summary>The consumer's handled count grows by at least what it had to deliver again.</summary>
    private async Task WaitUntilRedeliveredAsync(string consumer, IReadOnlyList<MetricSample> before, ulong messages)
    {
        var handledBefore = before.Sum(Handled, ("consumer", consumer));
        await Eventually.Until(
            async () => (await Api.ScrapeMetricsAsync()).Sum(Handled, ("consumer", consumer)) - handledBefore,
            redelivered => redelivered >= messages,
            $"{consumer} to handle the {messages} messages of the stream again",
            Patience);
    }
}
