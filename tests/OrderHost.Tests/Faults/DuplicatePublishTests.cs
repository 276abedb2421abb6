using Microsoft.AspNetCore.Builder;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// Publisher retries, made as the contract makes them (created first in the order's history): the stream
/// drops a repeated Nats-Msg-Id inside its duplicate window; a repeat under another id (as after the
/// window) is refused by the stream leader; either way the order is charged and notified once.
/// </summary>
[TestFixture]
public sealed class DuplicatePublishTests : OrderHostFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CountingPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();

    protected override Action<WebApplicationBuilder>? ConfigureHost
        => TestServices.With(gateway: _gateway, sender: _sender);

    [Test]
    public async Task The_same_publish_twice_is_stored_once_whether_the_stream_drops_or_refuses_the_repeat()
    {
        var orderId = Guid.CreateVersion7();
        var data = OrderCreatedEvents.Bytes(OrderCreatedEvents.Version2(orderId, OrderBodies.UniqueCustomerId(), 42.5m));
        var messageId = $"{orderId:D}:created";

        var first = await PublishAsync(data, messageId, orderId);
        var conditionalRepeat = await PublishAsync(data, messageId, orderId);
        var plainRepeat = await Broker.JetStream.PublishAsync(
            LedgerSubjects.For(Created, orderId), data, NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = messageId }, new NatsHeaders());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Error, Is.Null, "first publish");
            Assert.That(first.Duplicate, Is.False, "first ack: duplicate");

            // The leader checks the expected sequence before the message id: the repeat is refused (naming the
            // order's last event, which by now may be its payment outcome).
            Assert.That(conditionalRepeat.Error?.ErrCode, Is.EqualTo(10071), $"the contract's repeat: {conditionalRepeat.Error}");

            // Without a condition the duplicate window drops it.
            Assert.That(plainRepeat.Error, Is.Null, "a repeat without the condition");
            Assert.That(plainRepeat.Duplicate, Is.True, "a repeat without the condition: duplicate");
            Assert.That(plainRepeat.Seq, Is.EqualTo(first.Seq), "the duplicate ack names the stored message");
            Assert.That(await Broker.CountForOrderAsync(Created, orderId), Is.EqualTo(1), "orders.created messages of the order");
        }

        await AssertProcessedOnceAsync(orderId);
    }

    [Test]
    public async Task The_same_order_published_again_under_another_message_id_later_is_refused_and_not_charged_or_notified_again()
    {
        // As a publisher retry after the duplicate window would: the first copy is processed by then.
        var orderId = Guid.CreateVersion7();
        var data = OrderCreatedEvents.Bytes(OrderCreatedEvents.Version2(orderId, OrderBodies.UniqueCustomerId(), 42.5m));
        var first = await PublishAsync(data, $"{orderId:D}:created", orderId);
        await AssertProcessedOnceAsync(orderId);

        var second = await PublishAsync(data, $"{orderId:D}:created-retry", orderId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Duplicate, Is.False, "first ack: duplicate");
            Assert.That(second.Error?.ErrCode, Is.EqualTo(10071), $"second ack: {second.Error}");
            Assert.That(await Broker.CountForOrderAsync(Created, orderId), Is.EqualTo(1), "orders.created messages of the order");
        }

        await AssertProcessedOnceAsync(orderId);
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
            async () => await Broker.IsCaughtUpAsync(PaymentConsumers.Processor) && await Broker.IsCaughtUpAsync(NotificationConsumers.Paid),
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

    /// <summary>As the intake publishes: on the order's subject, only while its history is empty.</summary>
    private Task<PubAckResponse> PublishAsync(byte[] data, string messageId, Guid orderId)
        => Broker.JetStream.PublishAsync(
            LedgerSubjects.For(Created, orderId),
            data,
            NatsRawSerializer<byte[]>.Default,
            new NatsJSPubOpts { MsgId = messageId, ExpectedLastSubjectSequence = 0, ExpectedLastSubjectSequenceSubject = OrderHistory.Filter(orderId) },
            new NatsHeaders { ["X-Correlation-Id"] = messageId }).AsTask();
}
