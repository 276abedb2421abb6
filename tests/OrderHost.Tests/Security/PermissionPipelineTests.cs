using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using OrderHost.Messaging;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// With deploy/nats/permissions.conf included as shipped and the host speaking as four users (Operator,
/// Orders, Payments, Notifications), the whole pipeline works, and the server refused nothing the host did.
/// </summary>
[TestFixture]
public sealed class PermissionPipelineTests : ShippedPermissionsFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] CreatedConsumers = [PaymentConsumers.Processor];
    private readonly string _apiKey = $"pipeline-admin-{Guid.NewGuid():N}";
    private RunningOrderHost? _host;

    private OrderApiClient Api => _host!.Api;

    [OneTimeSetUp]
    public async Task StartHostAsync()
    {
        var settings = Permissions.HostSettings();
        settings["Admin:ApiKey"] = _apiKey;
        _host = await RunningOrderHost.StartAsync(Server.Url, settings);
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task Paid_and_failed_orders_complete_with_every_module_on_its_own_user()
    {
        var paid = await Api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());

        var paidState = await Api.WaitForOrderAsync(paid, o => o.IsCompleted, "completed", Patience);
        var failedState = await Api.WaitForOrderAsync(failed, o => o.IsCompleted, "completed", Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paidState.Status, Is.EqualTo("paid"));
            Assert.That(failedState.Status, Is.EqualTo("payment_failed"));
            Assert.That(await Operator.CountForOrderAsync(NotificationEvents.Notified.Subject, paid), Is.EqualTo(1), "orders.notified of the paid order");
            Assert.That(await Operator.CountForOrderAsync(NotificationEvents.Notified.Subject, failed), Is.EqualTo(1), "orders.notified of the failed order");
        }

        await AssertEachIdentityConnectedAsItsUserAsync();
        AssertServerRefusedNothing();
    }

    [Test]
    public async Task Modules_dead_letter_an_unreadable_event_under_their_own_permissions()
    {
        var orderId = Guid.CreateVersion7();
        var body = OrderCreatedEvents.Version2(orderId, OrderBodies.UniqueCustomerId(), 10m);
        body["version"] = 99;
        await Operator.PublishAsync(OrderCreatedEvents.Subject, OrderCreatedEvents.Bytes(body), OrderCreatedEvents.Headers(orderId));

        // payment-processor writes as orderhost-payments.
        var letters = await Eventually.Until(
            async () => (await Operator.ReadMessagesAsync(DeadLetterSubject.OfStep(OrderEvents.Created.Subject), BrokerProbe.DeadLetterStream)).Where(m => m.OrderId == orderId).ToList(),
            list => list.Count == CreatedConsumers.Length,
            "a dead letter from payment-processor",
            Patience);

        Assert.That(
            letters.Select(l => l.Header("OrderHost-Dlq-Consumer")).Order(StringComparer.Ordinal),
            Is.EqualTo(CreatedConsumers));
        AssertServerRefusedNothing();
    }

    /// <summary>
    /// orderhost-notifications may write dead letters (dlq.orders.*.*.*) but may not publish orders.paid. An
    /// entry it forges on dlq.orders.paid must not become an orders.paid when an operator replays dead letters:
    /// the replay publishes as the operator, so it must not trust what a module wrote into the dead-letter stream.
    /// </summary>
    [Test]
    public async Task Dead_letter_forged_by_the_notifications_user_does_not_become_an_orders_paid_on_replay()
    {
        var forged = Guid.CreateVersion7();
        var paid = new JsonObject
        {
            ["version"] = 1,
            ["orderId"] = forged.ToString("D"),
            ["paymentId"] = "pay_forged",
            ["amount"] = 1m,
            ["currency"] = "USD",
            ["acceptedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["processedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        await using (var notifications = await Permissions.ConnectAsync(Server, ShippedPermissions.Notifications))
        {
            var ack = await notifications.JetStream.PublishAsync(
                DeadLetterSubject.Entry(ulong.MaxValue, PaymentEvents.Succeeded.Subject, forged),
                Encoding.UTF8.GetBytes(paid.ToJsonString()),
                NatsRawSerializer<byte[]>.Default,
                headers: new NatsHeaders { [MessageHeaders.DeadLetterReason] = "handler failed", [MessageHeaders.DeadLetterConsumer] = NotificationConsumers.Paid });
            Assert.That(ack.Error, Is.Null, "orderhost-notifications writing a dead letter (allowed by permissions.conf)");
        }

        var sequence = await FindDeadLetterAsync(forged);
        var replay = await AdminAsync(HttpMethod.Post, $"/admin/dead-letters/{sequence}/replay");
        TestContext.Out.WriteLine($"replay of the forged dead letter #{sequence}: {replay}");

        Assert.That(await Operator.CountForOrderAsync(PaymentEvents.Succeeded.Subject, forged), Is.Zero, "orders.paid of an order no payment was ever made for");
    }

    private async Task<ulong> FindDeadLetterAsync(Guid orderId)
    {
        var page = await Eventually.Until(
            () => AdminAsync(HttpMethod.Get, "/admin/dead-letters?limit=100"),
            p => p.Status == HttpStatusCode.OK && p.Body.Contains(orderId.ToString("D"), StringComparison.Ordinal),
            $"the dead letter of {orderId} on /admin/dead-letters");
        return page.Json().GetProperty("items").EnumerateArray()
            .First(i => i.GetProperty("data").GetString()?.Contains(orderId.ToString("D"), StringComparison.Ordinal) == true)
            .GetProperty("sequence").GetUInt64();
    }

    private async Task<ApiResponse> AdminAsync(HttpMethod method, string path)
    {
        using var http = new HttpClient { BaseAddress = Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", _apiKey);
        using var response = await http.SendAsync(request);
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), null, TimeSpan.Zero);
    }

    private async Task AssertEachIdentityConnectedAsItsUserAsync()
    {
        using var connz = JsonDocument.Parse(await Server.MonitoringAsync("/connz?auth=true&limit=1000"));
        var connections = connz.RootElement.GetProperty("connections").EnumerateArray()
            .Select(c => (Name: c.TryGetProperty("name", out var n) ? n.GetString() : null,
                          User: c.TryGetProperty("authorized_user", out var u) ? u.GetString() : null))
            .Where(c => c.Name?.StartsWith("orderhost", StringComparison.Ordinal) == true && c.Name != "orderhost-tests-probe")
            .ToList();

        var expected = ShippedPermissions.All.Select(u => ($"orderhost-{u.Identity.ToLowerInvariant()}", u.User)).ToList();
        Assert.That(connections.Select(c => (c.Name, c.User)), Is.EquivalentTo(expected.Select(e => ((string?)e.Item1, (string?)e.Item2))),
            "the host's connections (name, authorized user) on /connz");
    }

    private void AssertServerRefusedNothing()
    {
        var violations = Server.LogLines().Where(l => l.Contains("Violation", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.That(violations, Is.Empty, "nats-server log lines about refused operations while the host ran under permissions.conf");
    }
}
