using System.Net;
using Microsoft.AspNetCore.Builder;
using OrderHost.Orders.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>The Idempotency-Key contract: the same key and body give the same order, published and charged once.</summary>
[TestFixture]
public sealed class IdempotencyTests : OrderHostFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;
    private readonly CountingPaymentGateway _gateway = new();

    private OrderApiClient Api => Host.Api;

    protected override Action<WebApplicationBuilder>? ConfigureHost
        => TestServices.With(gateway: _gateway);

    [Test]
    public async Task Same_key_and_same_body_return_the_same_order_and_publish_once()
    {
        var key = NewKey();
        var body = OrderBodies.Paid().ToJsonString();

        var first = await Api.PostOrderAsync(body, key);
        var second = await Api.PostOrderAsync(body, key);

        await AssertSameOrderPublishedOnceAsync(first, second);
    }

    [Test]
    public async Task Same_key_and_the_same_order_spelled_differently_return_the_same_order_and_publish_once()
    {
        var key = NewKey();
        var customerId = OrderBodies.UniqueCustomerId();

        var first = await Api.PostOrderAsync(
            $$"""{"customerId":"{{customerId}}","items":[{"sku":"SKU-1","quantity":1,"unitPrice":42.5}],"total":42.5}""", key);
        var second = await Api.PostOrderAsync(
            $$"""{"total":42.50,"items":[{"unitPrice":42.50,"quantity":1,"sku":"SKU-1"}],"currency":"USD","customerId":"{{customerId}}"}""", key);

        await AssertSameOrderPublishedOnceAsync(first, second);
    }

    [Test]
    public async Task Same_key_with_a_different_body_answers_422_and_publishes_nothing()
    {
        var key = NewKey();
        var customerId = OrderBodies.UniqueCustomerId();
        var first = await Api.PostOrderAsync(OrderBodies.Paid(customerId), key);
        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Accepted), first.ToString());
        var before = await Broker.CountAsync(Created);

        var second = await Api.PostOrderAsync(OrderBodies.OneLine(43m, customerId: customerId), key);

        ProblemDetailsAssert.HasStatus(second, HttpStatusCode.UnprocessableEntity);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
            Assert.That(await Broker.CountForOrderAsync(Created, OrderApiClient.OrderIdOf(first)), Is.EqualTo(1), "orders.created of the first order");
        }
    }

    [Test]
    public async Task Ten_concurrent_posts_with_one_key_create_one_order_and_one_charge()
    {
        var key = NewKey();
        var body = OrderBodies.Paid().ToJsonString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Api.PostOrderAsync(body, key)));

        Assert.That(responses.Select(r => r.Status), Is.All.EqualTo(HttpStatusCode.Accepted), string.Join("\n", responses.Select(r => r.ToString())));
        var orderIds = responses.Select(OrderApiClient.OrderIdOf).Distinct().ToList();
        Assert.That(orderIds, Has.Count.EqualTo(1), "distinct order ids");
        var orderId = orderIds[0];
        Assert.That(await Broker.CountForOrderAsync(Created, orderId), Is.EqualTo(1), "orders.created messages of the order");

        await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed");
        Assert.That(_gateway.ChargesFor(orderId), Is.EqualTo(1), "charges of the order");
    }

    [Test]
    public async Task Key_of_128_visible_ascii_characters_is_accepted()
    {
        var key = string.Concat(Enumerable.Repeat("!~", 64));

        var response = await Api.PostOrderAsync(OrderBodies.Paid(), key);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), response.ToString());
    }

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private async Task AssertSameOrderPublishedOnceAsync(ApiResponse first, ApiResponse second)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Accepted), first.ToString());
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.Accepted), second.ToString());
        }

        var orderId = OrderApiClient.OrderIdOf(first);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(OrderApiClient.OrderIdOf(second), Is.EqualTo(orderId), "order id of the replay");
            Assert.That(second.Location, Is.EqualTo(first.Location).And.EqualTo($"/orders/{orderId:D}"), "Location of the replay");
            Assert.That(await Broker.CountForOrderAsync(Created, orderId), Is.EqualTo(1), "orders.created messages of the order");
        }
    }
}
