using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using NATS.Client.Core;
using NATS.Client.JetStream;
using OrderHost.Messaging;
using OrderHost.Messaging.Ledger;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// A consumer replay is an operator's tool for later, typically long after the events (the README's
/// example replays from a date), so after the stream's duplicate window. It must still store no second
/// payment outcome or notification event: "at most one outcome can ever be stored for an order".
/// The same holds for a dead-letter replay of an order whose outcome is in the ledger. The window is
/// shortened here (the same code path as 2 minutes) so the test need not wait minutes.
/// </summary>
[TestFixture]
public sealed class ReplayAfterDuplicateWindowTests : OrderHostFixture
{
    private const string ApiKey = "window-admin-key";
    private const string Handled = "orderhost_messages_handled_total";
    private const string ProbeSubject = "orders.test-window-probe";
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly FlakyPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();

    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?>
            {
                ["Admin:ApiKey"] = ApiKey,
                ["Nats:Stream:DuplicateWindow"] = DuplicateWindow.ToString(),
                ["Nats:Consumers:payment-processor:MaxDeliver"] = "2",
                ["Nats:Consumers:NakDelays:0"] = "00:00:00.200",
            };

    protected override Action<WebApplicationBuilder>? ConfigureHost
        => TestServices.With(gateway: _gateway, sender: _sender);

    [Test]
    public async Task Replaying_payment_processor_after_the_duplicate_window_stores_no_second_outcome_or_notification()
    {
        var api = Host.Api;
        var paid = await api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        Guid[] orderIds = [paid, failed];
        await OrderCompletion.WaitAllAsync(api, Broker, orderIds, Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        await WaitOutTheDuplicateWindowAsync();
        var before = await PipelineAudit.TakeAsync(Broker);

        var handledBefore = (await api.ScrapeMetricsAsync()).Sum(Handled, ("consumer", PaymentConsumers.Processor));
        using var admin = new AdminApiClient(api.BaseAddress);
        var replay = await admin.ReplayConsumerFromSequenceAsync(PaymentConsumers.Processor, 1, ApiKey);
        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK), replay.ToString());
        await Eventually.Until(
            async () => (await api.ScrapeMetricsAsync()).Sum(Handled, ("consumer", PaymentConsumers.Processor)) - handledBefore,
            redelivered => redelivered >= orderIds.Length,
            "payment-processor to have handled every orders.created again",
            Patience);
        await Broker.WaitUntilSettledAsync(Patience);

        var after = await PipelineAudit.TakeAsync(Broker);
        TestContext.Out.WriteLine($"before the replay:\n{before.Summary(orderIds)}\nafter:\n{after.Summary(orderIds)}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(orderIds.Select(_gateway.CallsFor), Is.All.EqualTo(1), "gateway charges per order");
            Assert.That(orderIds.Select(_sender.SentFor), Is.All.EqualTo(1), "notifications sent per order");
            Assert.That(after.LedgerWrites, Is.EqualTo(before.LedgerWrites), "appends to the ledger (none: every step is done)");
            Assert.That(PipelineAudit.PerOrder(after.PaidByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.PaidByOrder, orderIds)), "orders.paid per order");
            Assert.That(PipelineAudit.PerOrder(after.FailedByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.FailedByOrder, orderIds)), "orders.payment_failed per order");
            Assert.That(PipelineAudit.PerOrder(after.NotifiedByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.NotifiedByOrder, orderIds)), "orders.notified per order");
        }
    }

    /// <summary>
    /// The hole of a done-record beside the stream: an order's created is dead-lettered, its outcome reaches
    /// the ledger anyway (appended here as a second Payments process that charged it would), the duplicate
    /// window passes and the gateway would now decline. Replaying the dead letter must not call the gateway,
    /// store a second (different) outcome or notify again: the replay is a conditional append, refused.
    /// </summary>
    [Test]
    public async Task Replaying_a_dead_letter_after_the_window_for_an_order_with_a_stored_outcome_calls_no_gateway_and_stores_nothing()
    {
        var api = Host.Api;
        var customerId = OrderBodies.UniqueCustomerId();
        _gateway.FailUntilFixed(customerId);
        var orderId = await api.PlaceOrderAsync(OrderBodies.Paid(customerId));
        var letter = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadLetterSubject.OfStep(OrderEvents.Created.Subject), BrokerProbe.DeadLetterStream)).SingleOrDefault(m => m.OrderId == orderId),
            m => m is not null,
            "the payment-processor dead letter of the order",
            Patience);
        var created = (await Broker.ReadForOrderAsync(PipelineAudit.Created, orderId)).Single();

        var ledger = new JetStreamLedger(Broker.JetStream, BrokerProbe.OrdersStream, TimeSpan.FromSeconds(5));
        var paid = await ledger.AppendAsync(
            PaymentEvents.Succeeded,
            new PaymentSucceeded(PaymentSucceeded.CurrentVersion, orderId, "pay_elsewhere", 42.5m, "USD", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow),
            PaymentEvents.Succeeded.SubjectFor(orderId),
            MessageIds.For(orderId, PaymentEvents.Step),
            AppendCondition.After(OrderHistory.Filter(orderId), created.Sequence),
            orderId.ToString("D"),
            CancellationToken.None);
        Assert.That(paid.StoredNow, Is.True, $"the outcome appended by the other process: {paid}");
        await api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        _gateway.Fix(customerId);
        _gateway.DeclineFrom(customerId);
        var calls = _gateway.CallsFor(orderId);
        await WaitOutTheDuplicateWindowAsync();
        var before = await PipelineAudit.TakeAsync(Broker);

        using var admin = new AdminApiClient(api.BaseAddress);
        var replay = await admin.ReplayDeadLetterAsync(letter!.Sequence, ApiKey);
        await Broker.WaitUntilSettledAsync(Patience);

        var after = await PipelineAudit.TakeAsync(Broker);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK), replay.ToString());
            Assert.That(replay.Json().GetProperty("result").GetString(), Is.EqualTo("already_done"), replay.ToString());
            Assert.That(_gateway.CallsFor(orderId), Is.EqualTo(calls), "gateway calls after the replay");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
            Assert.That(after.LedgerWrites, Is.EqualTo(before.LedgerWrites), "appends to the ledger (none)");
            Assert.That((await admin.GetDeadLetterAsync(letter.Sequence, ApiKey)).Status, Is.EqualTo(HttpStatusCode.NotFound), "the entry, removed");
        }

        after.AssertExactlyOnce([orderId], "the replayed order", new Dictionary<Guid, string> { [orderId] = "paid" });
    }

    /// <summary>
    /// Waits until a message id used now is accepted again (its repeat is stored, not dropped): from then on
    /// every event published before is outside the window too. Observed on the broker, not by sleeping.
    /// </summary>
    private async Task WaitOutTheDuplicateWindowAsync()
    {
        var probeId = $"window-probe-{Guid.NewGuid():N}";
        var first = await PublishProbeAsync(probeId);
        Assert.That(first.Duplicate, Is.False, "first probe");
        await Eventually.True(
            async () => !(await PublishProbeAsync(probeId)).Duplicate,
            $"the stream's duplicate window ({DuplicateWindow.TotalMilliseconds:0} ms) to pass",
            Patience);
    }

    private async Task<NATS.Client.JetStream.Models.PubAckResponse> PublishProbeAsync(string messageId)
    {
        var ack = await Broker.JetStream.PublishAsync(
            ProbeSubject, Encoding.UTF8.GetBytes("probe"), NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = messageId }, new NatsHeaders());
        Assert.That(ack.Error, Is.Null, "publishing the probe");
        return ack;
    }
}
