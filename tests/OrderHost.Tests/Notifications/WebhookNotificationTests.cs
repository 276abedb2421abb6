using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OrderHost.Notifications.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Notifications;

/// <summary>
/// With <c>Notifications:Webhook:Url</c> set, customers are told by a POST that follows the Standard
/// Webhooks conventions; a failing, slow or long-down receiver makes the message retry, with the same webhook id,
/// until it takes it; a receiver that refuses (4xx) gets no retry and the message is dead-lettered.
/// </summary>
[TestFixture]
public sealed class WebhookNotificationTests : OrderHostFixture
{
    // Standard Webhooks secrets are "whsec_" + base64 of the key.
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Notifications:Webhook:Secret"] = Secret,
        ["Notifications:Webhook:Timeout"] = "00:00:01",
        ["Nats:Consumers:NakDelays:0"] = "00:00:00.200",
        ["Nats:Consumers:LagInterval"] = "00:00:00.500",
    };

    protected override bool PostsWebhooks => true;

    [SetUp]
    public void AnswerOk() => Webhooks.Behaviour = (_, _) => (StatusCodes.Status204NoContent, TimeSpan.Zero);

    [Test]
    public async Task Paid_order_is_posted_once_with_signed_standard_webhook_headers()
    {
        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed");

        var calls = CallsFor(orderId);
        Assert.That(calls, Has.Count.EqualTo(1), "webhook calls for the order");
        var call = calls[0];
        using var body = JsonDocument.Parse(call.Body);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(call.Id, Is.EqualTo($"{orderId:D}.paid"), "webhook-id");
            Assert.That(call.ContentType, Does.StartWith("application/json"));
            Assert.That(long.Parse(call.Timestamp, CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Within(120), "webhook-timestamp (unix seconds)");
            Assert.That(call.Signature, Is.EqualTo(ExpectedSignature(call)), "webhook-signature: v1, HMAC-SHA256 of id.timestamp.body");
            Assert.That(body.RootElement.GetProperty("type").GetString(), Is.EqualTo("order.paid"));
            Assert.That(body.RootElement.GetProperty("data").GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));
            Assert.That(body.RootElement.GetProperty("data").GetProperty("kind").GetString(), Is.EqualTo("paid"));
        }
    }

    [Test]
    public async Task Receiver_errors_are_retried_with_the_same_webhook_id_until_it_accepts()
    {
        Webhooks.Behaviour = (_, attempt) => (attempt <= 2 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, TimeSpan.Zero);

        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", TimeSpan.FromSeconds(30));

        var calls = CallsFor(orderId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls, Has.Count.EqualTo(3), "two refused attempts, then the accepted one");
            Assert.That(calls.Select(c => c.Id).Distinct(), Is.EqualTo(new[] { $"{orderId:D}.failed" }), "one webhook id for every attempt");
            Assert.That(calls.All(c => c.Signature == ExpectedSignature(c)), Is.True, "every attempt is signed");
        }
    }

    [Test]
    public async Task A_receiver_slower_than_the_time_out_is_retried()
    {
        Webhooks.Behaviour = (_, attempt) => (StatusCodes.Status200OK, attempt == 1 ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);

        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", TimeSpan.FromSeconds(30));

        Assert.That(CallsFor(orderId), Has.Count.EqualTo(2), "the timed-out attempt, then the accepted one");
    }

    [Test]
    public async Task A_receiver_down_for_many_attempts_gets_every_order_once_it_returns_and_nothing_is_dead_lettered()
    {
        const int Orders = 20;
        const int AttemptsWhileDown = 7; // more than the five deliveries that used to end in a dead letter
        var down = true;
        Webhooks.Behaviour = (_, _) => (Volatile.Read(ref down) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status204NoContent, TimeSpan.Zero);
        var customerId = OrderBodies.UniqueCustomerId();
        var orderIds = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            orderIds.Add(await Host.Api.PlaceOrderAsync(OrderBodies.Paid(customerId)));
        }

        await Eventually.True(
            () => Task.FromResult(orderIds.All(id => CallsFor(id).Count >= AttemptsWhileDown)),
            $"every order's webhook to be refused {AttemptsWhileDown} times",
            TimeSpan.FromSeconds(60));
        var retrying = await Eventually.Until(
            async () => await Host.Api.ScrapeMetricsAsync(),
            m => m.Sum("orderhost_consumer_redelivered_messages", ("consumer", NotificationConsumers.Paid)) > 0
                && m.Sum("orderhost_consumer_oldest_unsettled_age_seconds", ("consumer", NotificationConsumers.Paid)) >= 1,
            "the retried notifications and the age of the oldest to show in /metrics",
            TimeSpan.FromSeconds(30));
        TestContext.Out.WriteLine(
            $"while down: {retrying.Sum("orderhost_consumer_redelivered_messages", ("consumer", NotificationConsumers.Paid))} retried, oldest " +
            $"{retrying.Sum("orderhost_consumer_oldest_unsettled_age_seconds", ("consumer", NotificationConsumers.Paid)):0.0} s");
        Volatile.Write(ref down, false);

        await OrderCompletion.WaitAllAsync(Host.Api, Broker, orderIds, TimeSpan.FromSeconds(60));
        var audit = await PipelineAudit.TakeSettledAsync(Broker, TimeSpan.FromSeconds(60));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Broker.CountAsync(DeadLetterSubject.OfStep(PaymentEvents.Succeeded.Subject), BrokerProbe.DeadLetterStream), Is.Zero, "dead letters of orders.paid");
            Assert.That(orderIds.Select(id => CallsFor(id).Select(c => c.Id).Distinct().Count()), Is.All.EqualTo(1), "one webhook id per order over every attempt");
        }

        audit.AssertExactlyOnce(orderIds, "orders notified after the receiver came back");
    }

    [Test]
    public async Task A_receiver_that_refuses_with_a_4xx_is_not_retried_and_the_notification_is_dead_lettered_at_once()
    {
        Webhooks.Behaviour = (_, _) => (StatusCodes.Status410Gone, TimeSpan.Zero);

        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var letter = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadLetterSubject.OfStep(PaymentEvents.Succeeded.Subject), BrokerProbe.DeadLetterStream)).SingleOrDefault(m => m.OrderId == orderId),
            m => m is not null,
            "the notifier-paid dead letter of the refused notification",
            TimeSpan.FromSeconds(30));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(letter!.Header("OrderHost-Dlq-Reason"), Does.Contain("refused the notification: 410"), letter.ToString());
            Assert.That(letter.Header("OrderHost-Dlq-Deliveries"), Is.EqualTo("1"), "dead-lettered on the first delivery");
            Assert.That(CallsFor(orderId), Has.Count.EqualTo(1), "webhook attempts");
            Assert.That((await Host.Api.FindOrderAsync(orderId))?.Notified, Is.False, "the order is not marked notified");
        }
    }

    private List<ReceivedWebhook> CallsFor(Guid orderId)
        => [.. Webhooks.Calls.Where(c => c.Id.StartsWith(orderId.ToString("D"), StringComparison.Ordinal))];

    private static string ExpectedSignature(ReceivedWebhook call)
        => "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{call.Id}.{call.Timestamp}.{call.Body}")));
}
