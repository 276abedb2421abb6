using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using OrderHost.Tests.Infrastructure;
using OrderHost.Tests.Security;

namespace OrderHost.Tests.Integration;

/// <summary>
/// State written by the first version stays valid after an upgrade: it recorded a payment or a
/// notification before publishing the event and marked the record after, and kept each order's
/// view whole under the bare order id. An unmarked record found by a redelivery is published from,
/// never charged or sent again; an old view is merged with the steps written since.
/// </summary>
[TestFixture]
public sealed class FirstVersionStateTests : OrderHostFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] RecordedPaymentOnly = ["pay_first_version"];
    private static readonly string[] AllSteps = ["accepted", "paid", "notified"];
    private readonly CountingPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(gateway: _gateway, sender: _sender);

    private NatsKVContext KeyValue => new(Broker.JetStream);

    [Test]
    public async Task An_unmarked_payment_record_is_published_and_marked_without_charging_again()
    {
        var orderId = Guid.CreateVersion7();
        var payments = await KeyValue.GetStoreAsync("payments");
        await payments.CreateAsync(orderId.ToString("D"), Json(new JsonObject
        {
            ["approved"] = true,
            ["paymentId"] = "pay_first_version",
            ["declineReason"] = null,
            ["processedAt"] = DateTimeOffset.UtcNow,
            ["outcomePublished"] = false,
        }), serializer: NatsRawSerializer<byte[]>.Default);

        await Broker.PublishAsync("orders.created", OrderCreatedEvent(orderId));

        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        var paid = await Broker.ReadForOrderAsync("orders.paid", orderId);
        var record = await ReadJsonAsync(payments, orderId.ToString("D"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(_gateway.ChargesFor(orderId), Is.Zero, "gateway calls for an order the first version charged");
            Assert.That(paid.Select(m => m.Body?.GetProperty("paymentId").GetString()), Is.EqualTo(RecordedPaymentOnly), "orders.paid (the recorded payment)");
            Assert.That(_sender.SentFor(orderId), Is.EqualTo(1), "notifications sent");
            Assert.That(record["outcomePublished"]?.GetValue<bool>(), Is.True, $"payment record after the publish: {record}");
            Assert.That(record["paymentId"]?.GetValue<string>(), Is.EqualTo("pay_first_version"), "payment id kept");
        }
    }

    [Test]
    public async Task An_unmarked_notification_record_is_published_and_marked_without_sending_again()
    {
        var orderId = Guid.CreateVersion7();
        var notifications = await KeyValue.GetStoreAsync("notifications");
        var key = $"{orderId:D}.paid";
        await notifications.CreateAsync(key, Json(new JsonObject
        {
            ["sentAt"] = DateTimeOffset.UtcNow,
            ["eventPublished"] = false,
        }), serializer: NatsRawSerializer<byte[]>.Default);

        await Broker.PublishAsync("orders.created", OrderCreatedEvent(orderId));

        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        var record = await ReadJsonAsync(notifications, key);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Notified, Is.True, order.ToString());
            Assert.That(_sender.SentFor(orderId), Is.Zero, "notifications sent for an order the first version notified");
            Assert.That(await Broker.CountForOrderAsync("orders.notified", orderId), Is.EqualTo(1), "orders.notified of the order");
            Assert.That(record["eventPublished"]?.GetValue<bool>(), Is.True, $"notification record after the publish: {record}");
        }
    }

    [Test]
    public async Task A_whole_view_of_the_first_version_is_merged_with_the_steps_written_since()
    {
        var orderId = Guid.CreateVersion7();
        var acceptedAt = DateTimeOffset.UtcNow.AddSeconds(-2);
        var paidAt = acceptedAt.AddMilliseconds(300);
        var orders = await KeyValue.GetStoreAsync("orders");
        await orders.CreateAsync(orderId.ToString("D"), Json(new JsonObject
        {
            ["orderId"] = orderId,
            ["customerId"] = "c-first-version",
            ["total"] = 42.5m,
            ["currency"] = "EUR",
            ["status"] = "paid",
            ["notified"] = false,
            ["history"] = new JsonArray(
                new JsonObject { ["status"] = "accepted", ["at"] = acceptedAt },
                new JsonObject { ["status"] = "paid", ["at"] = paidAt }),
        }), serializer: NatsRawSerializer<byte[]>.Default);

        await Broker.PublishAsync("orders.notified", Json(new JsonObject
        {
            ["version"] = 1,
            ["orderId"] = orderId,
            ["kind"] = "paid",
            ["notifiedAt"] = paidAt.AddMilliseconds(200),
        }));

        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.Notified, "notified", Patience);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(order.CustomerId, Is.EqualTo("c-first-version"), order.ToString());
            Assert.That(order.Total, Is.EqualTo(42.5m), order.ToString());
            Assert.That(order.Currency, Is.EqualTo("EUR"), order.ToString());
            Assert.That(order.History.Select(s => s.Status), Is.EqualTo(AllSteps), order.ToString());
        }
    }

    private static async Task<JsonNode> ReadJsonAsync(INatsKVStore store, string key)
    {
        var entry = await store.GetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default);
        return JsonNode.Parse(entry.Value ?? []) ?? throw new InvalidOperationException($"empty record {key}");
    }

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(JsonSerializerOptions.Default));

    private static byte[] OrderCreatedEvent(Guid orderId)
        => OrderCreatedEvents.Bytes(OrderCreatedEvents.Version2(orderId, OrderBodies.UniqueCustomerId(), 42.5m));
}
