using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using NATS.Client.Core;
using NATS.Client.JetStream;
using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// Poison messages go to ORDERS_DLQ at once and do not block the next order; a message whose handler
/// kept failing is dead-lettered after MaxDeliver attempts, and once the cause is fixed an operator replay
/// of the entry completes the order once and removes the entry. The operator endpoints need the API key.
/// </summary>
[TestFixture]
public sealed class DeadLetterReplayTests : OrderHostFixture
{
    private const string ApiKey = "faults-admin-key";
    private const int MaxDeliver = 2;
    private static readonly string Created = OrderEvents.Created.Subject;
    private static readonly string DeadCreated = DeadLetterSubject.OfStep(Created);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] CreatedConsumers = [PaymentConsumers.Processor];
    private readonly FlakyPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Admin:ApiKey"] = ApiKey,
        ["Nats:Consumers:MaxDeliver"] = MaxDeliver.ToString(CultureInfo.InvariantCulture),
        ["Nats:Consumers:NakDelays:0"] = "00:00:00.200",
    };

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(gateway: _gateway, sender: _sender);

    private OrderApiClient Api => Host.Api;

    [Test]
    public async Task Poison_message_is_dead_lettered_with_its_reason_within_seconds_and_the_next_order_completes()
    {
        var marker = $"{{\"version\":2,\"orderId\": not json {Guid.NewGuid():N}";
        var messageId = $"poison-{Guid.NewGuid():N}";
        var subject = LedgerSubjects.For(Created, Guid.NewGuid());
        var clock = Stopwatch.StartNew();
        var ack = await Broker.JetStream.PublishAsync(
            subject,
            Encoding.UTF8.GetBytes(marker),
            NatsRawSerializer<byte[]>.Default,
            new NatsJSPubOpts { MsgId = messageId },
            new NatsHeaders { ["X-Correlation-Id"] = "poison-correlation" });
        Assert.That(ack.Error, Is.Null, "publishing the poison message");

        var dead = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadCreated, BrokerProbe.DeadLetterStream)).Where(m => m.Text == marker).ToList(),
            list => list.Count == CreatedConsumers.Length,
            "a dead letter of the poison message from the consumer of orders.created",
            Patience);
        TestContext.Out.WriteLine($"Dead-lettered after {clock.Elapsed.TotalMilliseconds:0} ms (stream sequence {ack.Seq}).");

        Assert.That(dead.Select(m => m.Header("OrderHost-Dlq-Consumer")).Order(StringComparer.Ordinal), Is.EqualTo(CreatedConsumers), "consumers that dead-lettered it");
        foreach (var letter in dead)
        {
            using (Assert.EnterMultipleScope())
            {
                Assert.That(letter.Header("OrderHost-Dlq-Reason"), Does.StartWith("malformed JSON"), letter.ToString());
                Assert.That(letter.Header("OrderHost-Dlq-Stream"), Is.EqualTo(BrokerProbe.OrdersStream), letter.ToString());
                Assert.That(letter.Header("OrderHost-Dlq-Subject"), Is.EqualTo(subject), letter.ToString());
                Assert.That(letter.Header("OrderHost-Dlq-Stream-Sequence"), Is.EqualTo(ack.Seq.ToString(CultureInfo.InvariantCulture)), letter.ToString());
                Assert.That(letter.Header("OrderHost-Dlq-Deliveries"), Is.EqualTo("1"), "malformed JSON is dead-lettered on the first delivery");
                Assert.That(letter.Header("OrderHost-Dlq-At"), Is.Not.Null.And.Not.Empty, letter.ToString());
                Assert.That(letter.Header("X-Correlation-Id"), Is.EqualTo("poison-correlation"), "original headers are kept");
            }
        }

        // The operator sees the same entries.
        var listed = await ListAllDeadLettersAsync();
        Assert.That(
            listed.Where(l => l.GetProperty("data").GetString() == marker).Select(l => l.GetProperty("reason").GetString()),
            Has.Exactly(CreatedConsumers.Length).StartsWith("malformed JSON"),
            "GET /admin/dead-letters entries of the poison message");

        await Eventually.True(
            async () => await Broker.FindConsumerAsync(PaymentConsumers.Processor) is { NumAckPending: 0 },
            "the consumer of orders.created to have settled the poison message",
            Patience);
        var next = await Api.PlaceOrderAsync(OrderBodies.Paid());
        var state = await Api.WaitForOrderAsync(next, o => o.IsCompleted, "completed after the poison message", Patience);
        Assert.That(state.Status, Is.EqualTo("paid"), state.ToString());
    }

    [Test]
    public async Task Order_dead_lettered_after_max_deliveries_completes_once_when_replayed_after_the_fix()
    {
        var customerId = OrderBodies.UniqueCustomerId();
        _gateway.FailUntilFixed(customerId);
        var orderId = await Api.PlaceOrderAsync(OrderBodies.Paid(customerId));

        var letter = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadCreated, BrokerProbe.DeadLetterStream))
                .SingleOrDefault(m => m.OrderId == orderId && m.Header("OrderHost-Dlq-Consumer") == PaymentConsumers.Processor),
            m => m is not null,
            "the payment-processor dead letter of the order",
            Patience);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(letter!.Header("OrderHost-Dlq-Reason"), Does.Contain("max deliveries"), letter.ToString());
            Assert.That(letter.Header("OrderHost-Dlq-Deliveries"), Is.EqualTo(MaxDeliver.ToString(CultureInfo.InvariantCulture)), letter.ToString());
            Assert.That(_gateway.CallsFor(orderId), Is.EqualTo(MaxDeliver), "charge attempts before the dead letter");
            Assert.That((await Api.FindOrderAsync(orderId))?.Status, Is.EqualTo("accepted"), "the order before the replay");
        }

        // The operator finds the entry and looks at it.
        var entry = (await ListAllDeadLettersAsync()).Single(l =>
            l.GetProperty("consumer").GetString() == PaymentConsumers.Processor && l.GetProperty("data").GetString()?.Contains(orderId.ToString("D"), StringComparison.Ordinal) == true);
        var sequence = entry.GetProperty("sequence").GetUInt64();
        Assert.That(sequence, Is.EqualTo(letter.Sequence), "the listed entry is the stream's dead letter");
        var detail = await Admin.GetDeadLetterAsync(sequence, ApiKey);
        Assert.That(detail.Status, Is.EqualTo(HttpStatusCode.OK), detail.ToString());
        using (Assert.EnterMultipleScope())
        {
            var json = detail.Json();
            Assert.That(json.GetProperty("reason").GetString(), Does.Contain("max deliveries"), detail.ToString());
            Assert.That(json.GetProperty("subject").GetString(), Is.EqualTo(DeadLetterSubject.Entry(json.GetProperty("streamSequence").GetUInt64(), Created, orderId)), "filed under the original sequence: " + detail);
            Assert.That(json.GetProperty("deliveries").GetUInt64(), Is.EqualTo((ulong)MaxDeliver), detail.ToString());
            Assert.That(json.GetProperty("streamSequence").GetUInt64(), Is.GreaterThan(0UL), detail.ToString());
        }

        _gateway.Fix(customerId);
        var replay = await Admin.ReplayDeadLetterAsync(sequence, ApiKey);
        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.Accepted), replay.ToString());

        var order = await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed after the replay", Patience);
        await Eventually.True(
            async () => await Broker.IsCaughtUpAsync(PaymentConsumers.Processor) && await Broker.IsCaughtUpAsync(NotificationConsumers.Paid),
            "the consumers to have settled the replayed message and what followed",
            Patience);
        var audit = await PipelineAudit.TakeAsync(Broker);
        var again = await Admin.GetDeadLetterAsync(sequence, ApiKey);
        var secondReplay = await Admin.ReplayDeadLetterAsync(sequence, ApiKey);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(_gateway.CallsFor(orderId), Is.EqualTo(MaxDeliver + 1), "charge attempts: the failed ones and one after the fix");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
            Assert.That(audit.CreatedByOrder.GetValueOrDefault(orderId), Is.EqualTo(2), "orders.created: the original and the replayed copy");
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.NotFound), $"the replayed entry: {again}");
            Assert.That((await ListAllDeadLettersAsync()).Select(l => l.GetProperty("sequence").GetUInt64()), Does.Not.Contain(sequence), "listed entries");
            Assert.That(secondReplay.Status, Is.EqualTo(HttpStatusCode.NotFound), $"a second replay: {secondReplay}");
        }

        audit.AssertExactlyOnce([orderId], "replayed orders", new Dictionary<Guid, string> { [orderId] = "paid" });
    }

    [Test]
    public async Task Operator_endpoints_need_the_api_key()
    {
        var calls = new (string What, Func<string?, Task<ApiResponse>> Call)[]
        {
            ("GET /admin/dead-letters", key => Admin.ListDeadLettersAsync(key)),
            ("GET /admin/dead-letters/1", key => Admin.GetDeadLetterAsync(1, key)),
            ("POST /admin/dead-letters/1/replay", key => Admin.ReplayDeadLetterAsync(1, key)),
            ("DELETE /admin/dead-letters/1", key => Admin.DeleteDeadLetterAsync(1, key)),
            ("POST /admin/consumers/payment-processor/replay", key => Admin.ReplayConsumerFromSequenceAsync(PaymentConsumers.Processor, 1, key)),
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var (what, call) in calls)
            {
                var missing = await call(null);
                var wrong = await call(ApiKey + "x");
                var empty = await call(string.Empty);
                Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.Unauthorized), $"{what} without X-Api-Key: {missing}");
                Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.Unauthorized), $"{what} with a wrong X-Api-Key: {wrong}");
                Assert.That(empty.Status, Is.EqualTo(HttpStatusCode.Unauthorized), $"{what} with an empty X-Api-Key: {empty}");
            }

            var list = await Admin.ListDeadLettersAsync(ApiKey);
            Assert.That(list.Status, Is.EqualTo(HttpStatusCode.OK), $"GET /admin/dead-letters with the key: {list}");
            Assert.That(list.Json().GetProperty("items").ValueKind, Is.EqualTo(JsonValueKind.Array), list.ToString());
        }
    }

    [Test]
    public async Task Without_an_api_key_configured_the_operator_routes_do_not_exist()
    {
        // A second process without Admin:ApiKey (and without modules, so it takes no messages from the first).
        await using var bare = await RunningOrderHost.StartAsync(Server, RunningOrderHost.WithoutModules());
        using var admin = new AdminApiClient(bare.Api.BaseAddress);

        using (Assert.EnterMultipleScope())
        {
            foreach (var key in new[] { null, ApiKey })
            {
                var list = await admin.ListDeadLettersAsync(key);
                var replay = await admin.ReplayDeadLetterAsync(1, key);
                var consumer = await admin.ReplayConsumerFromSequenceAsync(PaymentConsumers.Processor, 1, key);
                Assert.That(list.Status, Is.EqualTo(HttpStatusCode.NotFound), $"GET /admin/dead-letters (key {key ?? "none"}): {list}");
                Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.NotFound), $"POST /admin/dead-letters/1/replay (key {key ?? "none"}): {replay}");
                Assert.That(consumer.Status, Is.EqualTo(HttpStatusCode.NotFound), $"POST /admin/consumers/…/replay (key {key ?? "none"}): {consumer}");
            }
        }
    }

    /// <summary>Every entry of GET /admin/dead-letters, following nextAfter.</summary>
    private async Task<IReadOnlyList<JsonElement>> ListAllDeadLettersAsync()
    {
        var entries = new List<JsonElement>();
        ulong after = 0;
        while (true)
        {
            var page = await Admin.ListDeadLettersAsync(ApiKey, after);
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), page.ToString());
            var json = page.Json();
            entries.AddRange(json.GetProperty("items").EnumerateArray());
            if (json.GetProperty("nextAfter") is not { ValueKind: JsonValueKind.Number } next)
            {
                return entries;
            }

            after = next.GetUInt64();
        }
    }
}
