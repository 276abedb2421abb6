using System.Net;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>The host rides out a nats-server outage: it says so while it lasts and resumes by itself afterwards.</summary>
[TestFixture]
public sealed class BrokerRestartTests : NatsServerFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BoundedAnswer = TimeSpan.FromSeconds(10);
    private RunningOrderHost? _host;

    private OrderApiClient Api => _host!.Api;

    [SetUp]
    public async Task StartHostAsync()
    {
        await EnsureServerRunningAsync();
        _host = await RunningOrderHost.StartAsync(Server, new Dictionary<string, string?> { ["Orders:PublishTimeout"] = "00:00:02" });
    }

    [TearDown]
    public async Task StopHostAsync()
    {
        // Server first: a host stopping while NATS is down waits out a command timeout per consumer.
        await EnsureServerRunningAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    [TestCase(false, TestName = "Orders complete again after a graceful server restart")]
    [TestCase(true, TestName = "Orders complete again after the server is killed and restarted")]
    public async Task Orders_complete_again_after_the_server_restarts(bool kill)
    {
        var earlier = await PlaceAndCompleteAsync();

        await (kill ? Server.KillAsync() : Server.StopAsync());
        await Server.StartAsync();

        await AssertNewOrderCompletesAndEarlierIsKeptAsync(earlier);
    }

    [Test]
    public async Task While_nats_is_down_readiness_answers_503_with_the_reason()
    {
        await Server.StopAsync();

        var ready = await Eventually.Until(
            () => Api.GetAsync("/health/ready"), r => r.Status == HttpStatusCode.ServiceUnavailable, "/health/ready to answer 503", Recovery);

        var check = ready.Json().GetProperty("checks")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ready.Json().GetProperty("status").GetString(), Is.EqualTo("Unhealthy"));
            Assert.That(check.GetProperty("description").GetString(), Is.Not.Null.And.Not.Empty, $"reason in {ready}");
        }
    }

    // Without a key the append itself waits for the server, so its outcome is unknown when the time-out ends it;
    // with a key the Idempotency-Key record comes first and nothing of the order was sent.
    [TestCase(null, "Order outcome unknown", TestName = "While nats is down POST /orders answers 503 in bounded time, says the outcome is unknown, and accepts nothing")]
    [TestCase("outage-key", "Order not accepted", TestName = "While nats is down POST /orders with an Idempotency-Key answers 503 in bounded time and accepts nothing")]
    public async Task While_nats_is_down_post_answers_503_in_bounded_time(string? idempotencyKey, string title)
    {
        var key = idempotencyKey is null ? null : $"{idempotencyKey}-{Guid.NewGuid():N}";
        var customerId = OrderBodies.UniqueCustomerId();
        await Server.StopAsync();

        var response = await Api.PostOrderAsync(OrderBodies.Paid(customerId), key);

        ProblemDetailsAssert.HasStatus(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(response.Elapsed, Is.LessThan(BoundedAnswer), "time to answer");
        Assert.That(response.Json().GetProperty("title").GetString(), Is.EqualTo(title), response.ToString());
        Assert.That(response.Json().GetProperty("detail").GetString(), Does.Contain("retry with the same Idempotency-Key"), response.ToString());

        // Back up: a later acknowledged order on the same connection comes after anything the client may still hold.
        await Server.StartAsync();
        await Api.PlaceOrderAsync(OrderBodies.Paid(), timeout: Recovery);
        Assert.That(await Broker.CountForCustomerAsync(Created, customerId), Is.Zero, "orders.created of the refused order");
    }

    [Test]
    public async Task An_operator_pause_holds_across_the_reconnect_that_re_provisions_the_consumer()
    {
        var until = DateTimeOffset.UtcNow.AddHours(1);
        await Broker.JetStream.PauseConsumerAsync(BrokerProbe.OrdersStream, PaymentConsumers.Processor, until);

        await Server.StopAsync();
        await Server.StartAsync();
        var orderId = await Api.PlaceOrderAsync(OrderBodies.Paid(), timeout: Recovery);

        // The loop provisions its consumer again once it is back on the server, then pulls: a pull waiting on the
        // restarted server shows the loop has done both. The pause must survive that.
        var info = await Eventually.Until(
            () => Broker.FindConsumerAsync(PaymentConsumers.Processor), c => c is { NumWaiting: > 0 }, "payment-processor pulling after the restart", Recovery);
        var order = await Api.FindOrderAsync(orderId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info?.IsPaused, Is.True, "payment-processor paused after the reconnect");
            Assert.That(order?.Status, Is.EqualTo("accepted"), "an order placed while paused is not charged");
        }

        await Broker.JetStream.ResumeConsumerAsync(BrokerProbe.OrdersStream, PaymentConsumers.Processor);
        await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed once resumed", Recovery);
    }

    private async Task<Guid> PlaceAndCompleteAsync()
    {
        var orderId = await Api.PlaceOrderAsync(OrderBodies.Paid());
        await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed");
        return orderId;
    }

    private async Task AssertNewOrderCompletesAndEarlierIsKeptAsync(Guid earlier)
    {
        // POST answers 503 until the client has reconnected; a retry with a deadline is what a client does.
        var later = await Api.PlaceOrderAsync(OrderBodies.Paid(), timeout: Recovery);
        var completed = await Api.WaitForOrderAsync(later, o => o.IsCompleted, "completed after the restart", Recovery);
        var kept = await Api.FindOrderAsync(earlier);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed.Status, Is.EqualTo("paid"));
            Assert.That(kept, Is.Not.Null, "the order from before the restart");
            Assert.That(kept?.Status, Is.EqualTo("paid"));
            Assert.That(kept?.Notified, Is.True);
        }
    }

    private async Task EnsureServerRunningAsync()
    {
        if (!Server.IsRunning)
        {
            await Server.StartAsync();
        }
    }
}
