using System.Net;
using Microsoft.AspNetCore.Builder;
using OrderHost.Notifications.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// Moving a durable consumer back to the start of the stream (POST /admin/consumers/{name}/replay)
/// re-delivers everything and repeats no side effect over 1,000 finished orders: each handler reads the
/// order's history from the stream leader, finds its step done, and appends nothing; nobody is charged or
/// notified again.
/// </summary>
[TestFixture]
public sealed class ConsumerReplayTests : OrderHostFixture
{
    private const string ApiKey = "replay-admin-key";
    private const string Handled = "orderhost_messages_handled_total";
    private const int PaidOrders = 900;
    private const int FailedOrders = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly FlakyPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();
    private IReadOnlyDictionary<Guid, OrderState> _completed = new Dictionary<Guid, OrderState>();

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?> { ["Admin:ApiKey"] = ApiKey };

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(gateway: _gateway, sender: _sender);

    private OrderApiClient Api => Host.Api;

    [OneTimeSetUp]
    public async Task CompleteOrdersAsync()
    {
        var orderIds = new Guid[PaidOrders + FailedOrders];
        await Parallel.ForAsync(0, orderIds.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            orderIds[i] = await Api.PlaceOrderAsync(i < PaidOrders ? OrderBodies.Paid() : OrderBodies.OverApprovalLimit()));

        _completed = await OrderCompletion.WaitAllAsync(Api, Broker, orderIds, Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        Assert.That(
            orderIds.Select(id => _completed[id].Status),
            Is.EqualTo(Enumerable.Repeat("paid", PaidOrders).Concat(Enumerable.Repeat("payment_failed", FailedOrders))),
            "final statuses before any replay");
    }

    [Test]
    public async Task Replaying_payment_processor_from_the_first_sequence_charges_and_notifies_nobody_again()
        => await ReplayChangesNothingAsync([PaymentConsumers.Processor], PipelineAudit.Created);

    [Test]
    public async Task Replaying_the_notifiers_from_the_first_sequence_notifies_nobody_again()
        => await ReplayChangesNothingAsync([NotificationConsumers.Paid, NotificationConsumers.Failed], PipelineAudit.Paid, PipelineAudit.PaymentFailed);

    private async Task ReplayChangesNothingAsync(string[] consumers, params string[] replayedSteps)
    {
        var orderIds = _completed.Keys.ToList();
        var before = await PipelineAudit.TakeAsync(Broker);
        var charges = PipelineAudit.PerOrder(_gateway.Snapshot(), orderIds);
        var sent = PipelineAudit.PerOrder(_sender.Snapshot(), orderIds);
        var metricsBefore = await Api.ScrapeMetricsAsync();
        ulong messages = 0;
        foreach (var step in replayedSteps)
        {
            messages += await Broker.CountAsync(step);
        }

        foreach (var consumer in consumers)
        {
            var replay = await Admin.ReplayConsumerFromSequenceAsync(consumer, 1, ApiKey);
            Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK), replay.ToString());
            Assert.That(replay.Json().GetProperty("resetToSequence").GetUInt64(), Is.EqualTo(1UL), replay.ToString());
        }

        await WaitUntilRedeliveredAsync(consumers, metricsBefore, messages);
        await Broker.WaitUntilSettledAsync(Patience);

        var after = await PipelineAudit.TakeAsync(Broker);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PipelineAudit.PerOrder(_gateway.Snapshot(), orderIds), Is.EqualTo(charges), "gateway charges per order");
            Assert.That(PipelineAudit.PerOrder(_sender.Snapshot(), orderIds), Is.EqualTo(sent), "notifications sent per order");
            Assert.That(after.LedgerWrites, Is.EqualTo(before.LedgerWrites), "appends to the ledger (none: every step is done)");
            Assert.That(PipelineAudit.PerOrder(after.PaidByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.PaidByOrder, orderIds)), "orders.paid per order");
            Assert.That(PipelineAudit.PerOrder(after.FailedByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.FailedByOrder, orderIds)), "orders.payment_failed per order");
            Assert.That(PipelineAudit.PerOrder(after.NotifiedByOrder, orderIds), Is.EqualTo(PipelineAudit.PerOrder(before.NotifiedByOrder, orderIds)), "orders.notified per order");
        }

        after.AssertExactlyOnce(orderIds, "orders after the replay", _completed.ToDictionary(p => p.Key, p => p.Value.Status));
    }

    [Test]
    public async Task Replay_of_an_unknown_consumer_answers_404_and_one_without_a_start_answers_400()
    {
        var unknown = await Admin.ReplayConsumerFromSequenceAsync("no-such-consumer", 1, ApiKey);
        var noStart = await Admin.ReplayConsumerAsync(PaymentConsumers.Processor, "{}", ApiKey);
        var bothStarts = await Admin.ReplayConsumerAsync(PaymentConsumers.Processor, """{"fromSequence":1,"fromTime":"2026-01-01T00:00:00Z"}""", ApiKey);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unknown.Status, Is.EqualTo(HttpStatusCode.NotFound), unknown.ToString());
            Assert.That(noStart.Status, Is.EqualTo(HttpStatusCode.BadRequest), noStart.ToString());
            Assert.That(bothStarts.Status, Is.EqualTo(HttpStatusCode.BadRequest), bothStarts.ToString());
        }
    }

    /// <summary>The consumers' handled count grows by at least what they had to deliver again.</summary>
    private async Task WaitUntilRedeliveredAsync(string[] consumers, IReadOnlyList<MetricSample> before, ulong messages)
    {
        var handledBefore = consumers.Sum(c => before.Sum(Handled, ("consumer", c)));
        await Eventually.Until(
            async () =>
            {
                var now = await Api.ScrapeMetricsAsync();
                return consumers.Sum(c => now.Sum(Handled, ("consumer", c))) - handledBefore;
            },
            redelivered => redelivered >= messages,
            $"{string.Join(" and ", consumers)} to handle the {messages} messages of the stream again",
            Patience);
    }
}
