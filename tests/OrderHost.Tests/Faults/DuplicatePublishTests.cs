using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// Publisher retries: the stream drops a repeated Nats-Msg-Id inside its duplicate window; a repeat under
/// another id (as after the window) is stored, and the consumers still charge and notify once.
/// </summary>
[TestFixture]
public sealed class DuplicatePublishTests : OrderHostFixture
{
    private const string Created = "orders.created";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CountingPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();

    protected override Action<WebApplicationBuilder>? ConfigureHost
        => TestServices.With(gateway: _gateway, sender: _sender);

    [Test]
    public async Task The_same_message_id_published_twice_is_stored_once_and_the_second_ack_says_duplicate()
    {
        var orderId = Guid.CreateVersion7();
        var data = OrderCreatedEvent(orderId);
        var messageId = $"{orderId:D}:created";

        var first = await PublishAsync(data, messageId);
        var second = await PublishAsync(data, messageId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Error, Is.Null, "first publish");
            Assert.That(first.Duplicate, Is.False, "first ack: duplicate");
            Assert.That(second.Error, Is.Null, "second publish");
            Assert.That(second.Duplicate, Is.True, "second ack: duplicate");
            Assert.That(second.Seq, Is.EqualTo(first.Seq), "the second ack names the stored message");
            Assert.That(await Broker.CountForOrderAsync(Created, orderId), Is.EqualTo(1), "orders.created messages of the order");
        }

        await AssertProcessedOnceAsync(orderId);
    }

    [Test]
    public async Task The_same_order_stored_again_under_another_message_id_later_is_not_charged_or_notified_again()
    {
        // As a publisher retry after the duplicate window would: the first copy is processed by then.
        var orderId = Guid.CreateVersion7();
        var data = OrderCreatedEvent(orderId);
        var first = await PublishAsync(data, $"{orderId:D}:created");
        await AssertProcessedOnceAsync(orderId);

        var second = await PublishAsync(data, $"{orderId:D}:created-retry");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Duplicate, Is.False, "first ack: duplicate");
            Assert.That(second.Duplicate, Is.False, "second ack: duplicate");
            Assert.That(await Broker.CountForOrderAsync(Created, orderId), Is.EqualTo(2), "orders.created messages of the order");
        }

        await Eventually.True(
            async () => await Broker.FindConsumerAsync("payment-processor") is { NumPending: 0, NumAckPending: 0 } info && info.AckFloor.StreamSeq >= second.Seq,
            "payment-processor to have settled the second copy",
            Patience);
        await AssertProcessedOnceAsync(orderId);
    }

    [Test]
    public async Task Two_copies_of_an_order_handled_at_the_same_time_give_one_payment_record_one_outcome_and_one_notification()
    {
        var orderId = Guid.CreateVersion7();
        var data = OrderCreatedEvent(orderId);

        // Back to back: the consumer takes both in one batch and handles them concurrently.
        var first = await PublishAsync(data, $"{orderId:D}:created");
        var second = await PublishAsync(data, $"{orderId:D}:created-retry");
        Assert.That(second.Duplicate || first.Duplicate, Is.False, "both copies stored");

        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        await Eventually.True(
            async () => await Broker.IsCaughtUpAsync("payment-processor") && await Broker.IsCaughtUpAsync("notifier-paid"),
            "payment-processor and notifier-paid to have settled everything",
            Patience);
        var audit = await PipelineAudit.TakeAsync(Broker);

        // Both copies may reach the gateway before either has written the payment record: the gateway
        // contract (the order id is the idempotency key) is what keeps that from moving money twice.
        TestContext.Out.WriteLine($"gateway calls for the order: {_gateway.ChargesFor(orderId)}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(_gateway.ChargesFor(orderId), Is.InRange(1, 2), "gateway calls (one per copy at most)");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
        }

        audit.AssertExactlyOnce([orderId], "orders", new Dictionary<Guid, string> { [orderId] = "paid" });
    }

    [Test]
    public async Task The_orders_stream_drops_repeats_for_two_minutes()
    {
        var stream = await Broker.JetStream.GetStreamAsync(BrokerProbe.OrdersStream);

        Assert.That(stream.Info.Config.DuplicateWindow, Is.EqualTo(TimeSpan.FromMinutes(2)));
    }

    private async Task AssertProcessedOnceAsync(Guid orderId)
    {
        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        await Eventually.True(
            async () => await Broker.IsCaughtUpAsync("payment-processor") && await Broker.IsCaughtUpAsync("notifier-paid"),
            "payment-processor and notifier-paid to have settled everything",
            Patience);
        var audit = await PipelineAudit.TakeAsync(Broker);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(order.History.Count(s => s.Status == "accepted"), Is.EqualTo(1), order.ToString());
            Assert.That(_gateway.ChargesFor(orderId), Is.EqualTo(1), "gateway charges");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
        }

        audit.AssertExactlyOnce([orderId], "orders", new Dictionary<Guid, string> { [orderId] = "paid" });
    }

    private Task<PubAckResponse> PublishAsync(byte[] data, string messageId)
        => Broker.JetStream.PublishAsync(
            Created,
            data,
            NatsRawSerializer<byte[]>.Default,
            new NatsJSPubOpts { MsgId = messageId },
            new NatsHeaders { ["X-Correlation-Id"] = messageId }).AsTask();

    /// <summary>A valid orders.created (version 2) as another publisher would send it.</summary>
    private static byte[] OrderCreatedEvent(Guid orderId) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["version"] = 2,
        ["orderId"] = orderId,
        ["customerId"] = OrderBodies.UniqueCustomerId(),
        ["items"] = new JsonArray(OrderBodies.Line("SKU-1", 1, 42.5m)),
        ["total"] = 42.5m,
        ["currency"] = "USD",
        ["acceptedAt"] = DateTimeOffset.UtcNow,
    }.ToJsonString());
}
