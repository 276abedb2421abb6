using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrderHost.Orders.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>POST /orders refuses what the contract forbids, with problem details, and publishes nothing.</summary>
[TestFixture]
public sealed class OrderValidationTests : OrderHostFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;

    private OrderApiClient Api => Host.Api;

    [TestCaseSource(typeof(InvalidOrders), nameof(InvalidOrders.Cases))]
    public async Task Invalid_order_is_rejected_with_a_field_error_and_nothing_is_published(InvalidOrder invalid)
    {
        var before = await Broker.CountAsync(Created);

        var response = await Api.PostOrderAsync(invalid.Body, invalid.IdempotencyKey);

        ProblemDetailsAssert.HasFieldError(response, invalid.Field);
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
    }

    [Test]
    public async Task Malformed_json_is_rejected_with_problem_details_and_nothing_is_published()
    {
        var before = await Broker.CountAsync(Created);

        var response = await Api.PostOrderAsync("{\"customerId\":\"c-1\",\"items\":[{\"sku\":");

        ProblemDetailsAssert.HasStatus(response, HttpStatusCode.BadRequest);
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
    }

    [Test]
    public async Task Body_that_is_not_json_is_rejected_with_415_and_nothing_is_published()
    {
        var before = await Broker.CountAsync(Created);

        var response = await Api.PostOrderAsync(new StringContent(OrderBodies.Paid().ToJsonString(), Encoding.UTF8, "text/plain"));

        ProblemDetailsAssert.HasStatus(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
    }

    [TestCase(false, TestName = "Body over 64 KiB with Content-Length is rejected with 413 and nothing is published")]
    [TestCase(true, TestName = "Body over 64 KiB sent chunked is rejected with 413 and nothing is published")]
    public async Task Body_over_64_KiB_is_rejected_with_413_and_nothing_is_published(bool chunked)
    {
        // A valid order padded with an unknown property: only its size is wrong.
        var body = OrderBodies.Paid();
        body["padding"] = new string('x', 64 * 1024);
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var before = await Broker.CountAsync(Created);

        var response = await Api.PostOrderAsync(content);

        ProblemDetailsAssert.HasStatus(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
    }

    [TestCase(64 * 1024, HttpStatusCode.Accepted, TestName = "Body of exactly 64 KiB is accepted")]
    [TestCase((64 * 1024) + 1, HttpStatusCode.RequestEntityTooLarge, TestName = "Body of 64 KiB and one byte is rejected with 413")]
    public async Task Body_size_limit_is_64_KiB(int size, HttpStatusCode expected)
    {
        // Pad with JSON whitespace: an unknown property would itself be a 400.
        var json = OrderBodies.Paid().ToJsonString();
        json += new string(' ', size - Encoding.UTF8.GetByteCount(json));
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.That(bytes, Has.Length.EqualTo(size), "body size");
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await Api.PostOrderAsync(content);

        Assert.That(response.Status, Is.EqualTo(expected), response.ToString());
    }

    [Test]
    public async Task Order_without_currency_is_accepted_in_usd()
    {
        var body = OrderBodies.Paid();
        Assert.That(body.ContainsKey("currency"), Is.False, "the body must omit currency");

        var response = await Api.PostOrderAsync(body);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), response.ToString());
        var order = await Api.WaitForOrderAsync(OrderApiClient.OrderIdOf(response), o => o.Currency is not null, "projected");
        Assert.That(order.Currency, Is.EqualTo("USD"));
    }
}
