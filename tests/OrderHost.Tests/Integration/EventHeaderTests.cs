using System.Net;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>
/// Every event of an order carries the contract's headers: a deterministic Nats-Msg-Id per step, the
/// X-Correlation-Id (the client's, else the order id) and a W3C traceparent.
/// </summary>
[TestFixture]
public sealed class EventHeaderTests : OrderHostFixture
{
    [Test]
    public async Task Client_correlation_id_and_step_message_ids_are_on_every_event()
    {
        var correlationId = $"corr-{Guid.NewGuid():N}";
        var response = await Host.Api.PostOrderAsync(OrderBodies.Paid(), correlationId: correlationId);
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), response.ToString());
        var orderId = OrderApiClient.OrderIdOf(response);

        await AssertEventHeadersAsync(orderId, correlationId);
    }

    [Test]
    public async Task Correlation_id_defaults_to_the_order_id()
    {
        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());

        await AssertEventHeadersAsync(orderId, orderId.ToString("D"));
    }

    private async Task AssertEventHeadersAsync(Guid orderId, string correlationId)
    {
        await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed");
        var steps = new[]
        {
            (Subject: OrderEvents.Created.Subject, MessageId: $"{orderId:D}:created", Version: OrderEvents.Created.CurrentVersion),
            (Subject: PaymentEvents.Succeeded.Subject, MessageId: $"{orderId:D}:payment", Version: PaymentEvents.Succeeded.CurrentVersion),
            (Subject: NotificationEvents.Notified.Subject, MessageId: $"{orderId:D}:notified", Version: NotificationEvents.Notified.CurrentVersion),
        };

        foreach (var (subject, messageId, expectedVersion) in steps)
        {
            var messages = await Broker.ReadForOrderAsync(subject, orderId);
            Assert.That(messages, Has.Count.EqualTo(1), $"{subject} messages of the order");
            var message = messages[0];
            using (Assert.EnterMultipleScope())
            {
                Assert.That(message.Header("Nats-Msg-Id"), Is.EqualTo(messageId), $"Nats-Msg-Id of {message}");
                Assert.That(message.Header("X-Correlation-Id"), Is.EqualTo(correlationId), $"X-Correlation-Id of {message}");
                Assert.That(message.Header("traceparent"), Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"), $"traceparent of {message}");
                Assert.That(message.Body?.GetProperty("version").GetInt32(), Is.EqualTo(expectedVersion), $"version of {message}");
            }
        }
    }
}
