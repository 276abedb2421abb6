using System.Text.Json;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// With deploy/nats/permissions.conf included as shipped and the host speaking as four users (Operator,
/// Orders, Payments, Notifications), the whole pipeline works, and the server refused nothing the host did.
/// </summary>
[TestFixture]
public sealed class PermissionPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] CreatedConsumers = ["order-projection", "payment-processor"];
    private readonly ShippedPermissions _permissions = ShippedPermissions.WithRandomPasswords();
    private SecureNatsServer? _server;
    private SecureOrderHost? _host;
    private BrokerProbe? _operator;

    private SecureNatsServer Server => _server!;

    private OrderApiClient Api => _host!.Api;

    [OneTimeSetUp]
    public async Task StartServerAndHostAsync()
    {
        _server = await _permissions.StartServerAsync();
        _host = await SecureOrderHost.StartAsync(Server.Url, _permissions.HostSettings());
        _operator = _permissions.OperatorProbe(Server);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
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
            Assert.That(await _operator!.CountForOrderAsync("orders.notified", paid), Is.EqualTo(1), "orders.notified of the paid order");
            Assert.That(await _operator.CountForOrderAsync("orders.notified", failed), Is.EqualTo(1), "orders.notified of the failed order");
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
        await _operator!.PublishAsync(OrderCreatedEvents.Subject, OrderCreatedEvents.Bytes(body), OrderCreatedEvents.Headers(orderId));

        // payment-processor writes as orderhost-payments, order-projection as orderhost-orders.
        var letters = await Eventually.Until(
            async () => (await _operator.ReadMessagesAsync("dlq.orders.created", BrokerProbe.DeadLetterStream)).Where(m => m.OrderId == orderId).ToList(),
            list => list.Count == 2,
            "a dead letter from payment-processor and one from order-projection",
            Patience);

        Assert.That(
            letters.Select(l => l.Header("OrderHost-Dlq-Consumer")).Order(StringComparer.Ordinal),
            Is.EqualTo(CreatedConsumers));
        AssertServerRefusedNothing();
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
