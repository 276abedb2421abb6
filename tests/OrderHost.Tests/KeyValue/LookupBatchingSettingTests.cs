using System.Text;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using OrderHost.Messaging.KeyValue;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.KeyValue;

/// <summary>
/// <c>Nats:BatchKeyLookups</c> chooses how the modules read their records, and the order flow works
/// either way: charged once and notified once even when the order is delivered again later (the
/// lookup must find the records), and read back.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class LookupBatchingSettingTests(bool batched) : NatsServerFixture
{
    private static readonly Dictionary<string, string> BucketOfModule = new() { ["Orders"] = "orders", ["Payments"] = "payments", ["Notifications"] = "notifications" };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CountingPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();
    private RunningOrderHost? _host;

    [OneTimeSetUp]
    public async Task StartHostAsync()
        => _host = await RunningOrderHost.StartAsync(
            Server,
            new Dictionary<string, string?> { ["Nats:BatchKeyLookups"] = batched ? "true" : "false" },
            TestServices.With(gateway: _gateway, sender: _sender));

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task Every_module_reads_its_records_as_configured()
    {
        foreach (var (module, bucket) in BucketOfModule)
        {
            var stores = _host!.Services.GetRequiredKeyedService<IKeyValueStores>(module);
            var lookup = await stores.GetLookupAsync(bucket, CancellationToken.None);
            Assert.That(lookup, batched ? Is.InstanceOf<BatchedKeyLookup>() : Is.InstanceOf<SingleKeyLookup>(), module);
        }
    }

    [Test]
    public async Task An_order_delivered_again_after_completing_is_not_charged_or_notified_again()
    {
        var orderId = await _host!.Api.PlaceOrderAsync(OrderBodies.Paid());
        await _host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "paid and notified", Patience);

        // The same orders.created under another message id, as a publisher retry after the duplicate window.
        var created = (await Broker.ReadForOrderAsync("orders.created", orderId)).Single();
        await Broker.PublishAsync("orders.created", Encoding.UTF8.GetBytes(created.Text), new NatsHeaders { ["Nats-Msg-Id"] = $"{orderId:D}:created-again" });
        await Eventually.True(
            async () => await Broker.CountForOrderAsync("orders.created", orderId) == 2
                && await Broker.IsCaughtUpAsync("payment-processor") && await Broker.IsCaughtUpAsync("notifier-paid"),
            "the second copy stored and settled",
            Patience);

        var order = await _host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "read back", Patience);
        var samples = PrometheusText.Parse((await _host.Api.GetAsync("/metrics")).Body);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"));
            Assert.That(_gateway.ChargesFor(orderId), Is.EqualTo(1), "gateway charges");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
            Assert.That(await Broker.CountForOrderAsync("orders.paid", orderId), Is.EqualTo(1), "orders.paid");
            Assert.That(
                samples.Where(s => s.Name == "orderhost_kv_lookup_keys_count").Select(s => s.Label("bucket")),
                batched ? Is.SupersetOf(BucketOfModule.Values) : Is.Empty,
                "buckets with batched lookup requests");
        }
    }
}
