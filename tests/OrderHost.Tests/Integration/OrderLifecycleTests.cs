using System.Net;
using System.Text.RegularExpressions;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>An order goes accepted → paid | payment_failed → notified through the real modules and broker.</summary>
[TestFixture]
public sealed partial class OrderLifecycleTests : OrderHostFixture
{
    private static readonly TimeSpan Completion = TimeSpan.FromSeconds(15);
    private static readonly string[] PaidHistory = ["accepted", "paid", "notified"];
    private static readonly string[] FailedHistory = ["accepted", "payment_failed", "notified"];

    private OrderApiClient Api => Host.Api;

    [Test]
    public async Task Paid_order_is_accepted_then_paid_then_notified()
    {
        var postedAt = DateTimeOffset.UtcNow;

        // The contract's example, as a client would type it.
        var response = await Api.PostOrderAsync("""{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":1,"unitPrice":42.5}],"total":42.5}""");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), response.ToString());
        var body = response.Json();
        var orderIdText = body.GetProperty("orderId").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.MediaType, Is.EqualTo("application/json"));
            Assert.That(orderIdText, Does.Match(CanonicalUuid()), "orderId in canonical UUID form");
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("accepted"));
            Assert.That(response.Location, Is.EqualTo($"/orders/{orderIdText}"));
        }

        var order = await Api.WaitForOrderAsync(Guid.Parse(orderIdText), o => o.IsCompleted, "completed", Completion);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.OrderId, Is.EqualTo(Guid.Parse(orderIdText)));
            Assert.That(order.Status, Is.EqualTo("paid"));
            Assert.That(order.Notified, Is.True);
            Assert.That(order.CustomerId, Is.EqualTo("c-1"));
            Assert.That(order.Total, Is.EqualTo(42.5m));
            Assert.That(order.Currency, Is.EqualTo("USD"));
            Assert.That(order.History.Select(s => s.Status), Is.EqualTo(PaidHistory));
            Assert.That(order.History.Select(s => s.At), Is.Ordered, "history in time order");
            Assert.That(order.History.Select(s => s.At), Is.All.InRange(postedAt.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)), "history times are real");
        }
    }

    [Test]
    public async Task Order_at_or_over_the_approval_limit_fails_payment_and_is_notified()
    {
        var orderId = await Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());

        var order = await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Completion);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("payment_failed"));
            Assert.That(order.Total, Is.EqualTo(12000m));
            Assert.That(order.History.Select(s => s.Status), Is.EqualTo(FailedHistory));
        }
    }

    [TestCase("9999.99", "paid")]
    [TestCase("10000", "payment_failed")]
    public async Task Approval_limit_is_exclusive(string total, string expectedStatus)
    {
        var orderId = await Api.PlaceOrderAsync(OrderBodies.OneLine(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)));

        var order = await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Completion);

        Assert.That(order.Status, Is.EqualTo(expectedStatus));
    }

    [Test]
    public async Task Get_with_a_malformed_id_answers_400_problem_details()
    {
        var response = await Api.GetAsync("/orders/not-a-uuid");

        ProblemDetailsAssert.HasFieldError(response, "orderId");
    }

    [Test]
    public async Task Get_of_an_unknown_order_answers_404_problem_details()
    {
        var response = await Api.GetOrderAsync(Guid.CreateVersion7());

        ProblemDetailsAssert.HasStatus(response, HttpStatusCode.NotFound);
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex CanonicalUuid();
}
