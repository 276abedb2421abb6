using System.Net;
using System.Text;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// orders.created published straight onto the stream in every version the contract knows (1 upcast to 2,
/// and 2 with customerEmail and shippingAddress) is processed to the end; an unknown version is dead-lettered;
/// replaying payment-processor over a stream holding both versions changes neither order.
/// </summary>
[TestFixture]
public sealed class VersionedEventTests : OrderHostFixture
{
    private const string PaymentProcessor = PaymentConsumers.Processor;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _apiKey = $"versions-{Guid.NewGuid():N}";

    private OrderApiClient Api => Host.Api;

    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?> { ["Admin:ApiKey"] = _apiKey };

    [Test]
    public async Task Version_1_and_version_2_orders_created_both_complete()
    {
        var (v1, v2) = await PublishBothVersionsAsync(12000m);

        var first = await Api.WaitForOrderAsync(v1, o => o.IsCompleted, "completed", Patience);
        var second = await Api.WaitForOrderAsync(v2, o => o.IsCompleted, "completed", Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo("paid"), "version 1 order");
            Assert.That(first.Currency, Is.EqualTo("EUR"), "version 1 order's currency");
            Assert.That(first.Total, Is.EqualTo(42.5m), "version 1 order's total");
            Assert.That(second.Status, Is.EqualTo("payment_failed"), "version 2 order over the approval limit");
            Assert.That(second.Total, Is.EqualTo(12000m), "version 2 order's total");
            Assert.That(await Broker.CountForOrderAsync(PaymentEvents.Succeeded.Subject, v1), Is.EqualTo(1), "orders.paid of the version 1 order");
            Assert.That(await Broker.CountForOrderAsync(PaymentEvents.Failed.Subject, v2), Is.EqualTo(1), "orders.payment_failed of the version 2 order");
            Assert.That(await Broker.CountForOrderAsync(NotificationEvents.Notified.Subject, v1), Is.EqualTo(1), "orders.notified of the version 1 order");
            Assert.That(await Broker.CountForOrderAsync(NotificationEvents.Notified.Subject, v2), Is.EqualTo(1), "orders.notified of the version 2 order");
        }
    }

    [Test]
    public async Task Version_99_is_dead_lettered_as_an_unsupported_version()
    {
        var orderId = Guid.CreateVersion7();
        var body = OrderCreatedEvents.Version2(orderId, OrderBodies.UniqueCustomerId(), 42.5m);
        body["version"] = 99;
        await Broker.PublishAsync(OrderCreatedEvents.Subject, OrderCreatedEvents.Bytes(body), OrderCreatedEvents.Headers(orderId));

        var letters = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadLetterSubject.OfStep(OrderEvents.Created.Subject), BrokerProbe.DeadLetterStream)).Where(m => m.OrderId == orderId).ToList(),
            list => list.Count == 1,
            "a dead letter from payment-processor",
            Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(letters.Select(l => l.Header("OrderHost-Dlq-Reason")), Has.All.Contain("unsupported version"), "dead-letter reasons");
            Assert.That(await Broker.CountForOrderAsync(PaymentEvents.Succeeded.Subject, orderId) + await Broker.CountForOrderAsync(PaymentEvents.Failed.Subject, orderId), Is.Zero, "payment outcomes");
            Assert.That(await Api.FindOrderAsync(orderId), Is.Null, "read model of the unreadable order");
        }

        // The operator sees the same through the admin API.
        var page = await AdminAsync(HttpMethod.Get, "/admin/dead-letters?limit=100");
        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), $"{page}");
        var reasons = page.Json().GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("data").GetString()?.Contains(orderId.ToString("D"), StringComparison.Ordinal) == true)
            .Select(i => i.GetProperty("reason").GetString())
            .ToList();
        Assert.That(reasons, Has.Count.EqualTo(1).And.All.Contain("unsupported version 99"), "reasons on /admin/dead-letters");
    }

    [Test]
    public async Task Replaying_payment_processor_over_a_stream_holding_both_versions_keeps_both_orders_right()
    {
        var (v1, v2) = await PublishBothVersionsAsync(7m);
        var first = await Api.WaitForOrderAsync(v1, o => o.IsCompleted, "completed", Patience);
        var second = await Api.WaitForOrderAsync(v2, o => o.IsCompleted, "completed", Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        var handledBefore = await HandledByPaymentsAsync();
        var created = await Broker.CountAsync(OrderCreatedEvents.Subject);
        var before = await PipelineAudit.TakeAsync(Broker);

        var replay = await AdminAsync(HttpMethod.Post, $"/admin/consumers/{PaymentProcessor}/replay", "{\"fromSequence\":1}");

        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK), $"{replay}");
        var handledAfter = await Eventually.Until(
            HandledByPaymentsAsync,
            handled => handled >= handledBefore + created,
            $"payment-processor to handle all {created} orders.created of the stream again",
            Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        TestContext.Out.WriteLine($"payment-processor handled {handledBefore} messages before, {handledAfter} after replaying {created}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Api.FindOrderAsync(v1), Is.EqualTo(first).Using<OrderState>(SameOrder), "version 1 order after the replay");
            Assert.That(await Api.FindOrderAsync(v2), Is.EqualTo(second).Using<OrderState>(SameOrder), "version 2 order after the replay");
            Assert.That((await PipelineAudit.TakeAsync(Broker)).LedgerWrites, Is.EqualTo(before.LedgerWrites), "appends to the ledger");
        }
    }

    private async Task<double> HandledByPaymentsAsync()
        => PrometheusText.Parse((await Api.GetAsync("/metrics")).Body)
            .Where(m => m.Name == "orderhost_messages_handled_total" && m.Label("consumer") == PaymentProcessor)
            .Sum(m => m.Value);

    private async Task<(Guid V1, Guid V2)> PublishBothVersionsAsync(decimal v2Total)
    {
        var v1 = Guid.CreateVersion7();
        var v2 = Guid.CreateVersion7();
        await Broker.PublishAsync(
            OrderCreatedEvents.Subject,
            OrderCreatedEvents.Bytes(OrderCreatedEvents.Version1(v1, OrderBodies.UniqueCustomerId(), 42.5m)),
            OrderCreatedEvents.Headers(v1));
        await Broker.PublishAsync(
            OrderCreatedEvents.Subject,
            OrderCreatedEvents.Bytes(OrderCreatedEvents.Version2(v2, OrderBodies.UniqueCustomerId(), v2Total)),
            OrderCreatedEvents.Headers(v2));
        return (v1, v2);
    }

    private static bool SameOrder(OrderState? a, OrderState? b)
        => a is not null && b is not null
            && a.OrderId == b.OrderId && a.CustomerId == b.CustomerId && a.Total == b.Total && a.Currency == b.Currency
            && a.Status == b.Status && a.Notified == b.Notified && a.History.SequenceEqual(b.History);

    private async Task<ApiResponse> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", _apiKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), null, TimeSpan.Zero);
    }
}
