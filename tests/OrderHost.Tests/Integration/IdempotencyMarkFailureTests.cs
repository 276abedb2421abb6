using System.Net;
using OrderHost.Orders.Infrastructure;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>
/// POST /orders with an Idempotency-Key when JetStream stored the order but marking the key's record
/// fails afterwards (its acknowledgement never comes): the answer is 202 — the order is in the ledger —
/// and a retry with the same key, even after the stream's duplicate window, returns the same order and
/// stores nothing new.
/// </summary>
[TestFixture]
public sealed class IdempotencyMarkFailureTests : OrderHostFixture
{
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(1);
    private readonly FailingKeyValueUpdates _marks = new("Orders", IdempotencyRecords.Bucket);

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Nats:Stream:DuplicateWindow"] = "00:00:01",
    };

    protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureHost => _marks.InstallIn;

    [Test]
    public async Task An_order_stored_before_its_key_could_be_marked_is_answered_202_and_a_retry_creates_nothing_new()
    {
        var customerId = OrderBodies.UniqueCustomerId();
        var body = OrderBodies.Paid(customerId);
        var key = $"mark-fails-{Guid.NewGuid():N}";

        var first = await Host.Api.PostOrderAsync(body, key);
        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Accepted), first.ToString());
        Assert.That(_marks.Failed, Is.GreaterThanOrEqualTo(1), "marks that failed");
        var orderId = OrderApiClient.OrderIdOf(first);

        // Past the duplicate window the message id no longer helps: the ledger's condition and the key's record must.
        await Task.Delay(DuplicateWindow + TimeSpan.FromMilliseconds(500));
        var retry = await Host.Api.PostOrderAsync(body, key);
        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(retry.Status, Is.EqualTo(HttpStatusCode.Accepted), retry.ToString());
            Assert.That(OrderApiClient.OrderIdOf(retry), Is.EqualTo(orderId), "the retry's order id");
            Assert.That(_marks.Failed, Is.GreaterThanOrEqualTo(2), "the retry's mark failed too: only the ledger kept it from a second order");
            Assert.That(await Broker.CountForOrderAsync(PipelineAudit.Created, orderId), Is.EqualTo(1), "orders.created of the order");
            Assert.That(await Broker.CountForCustomerAsync(PipelineAudit.Created, customerId), Is.EqualTo(1), "orders of the customer");
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
        }
    }
}
