using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Observability;

/// <summary>
/// One order is one trace (W3C trace context through the NATS headers): the POST /orders server span and
/// every handler's "&lt;subject&gt; process" span share one trace id — in one host, and across two hosts that
/// run different modules on the same server. (The two hosts share this test process, so both tracer
/// providers see every span; the handler spans of the second host can still only get the trace id from
/// the message headers, as their consume loops share no execution context with the HTTP request.)
/// </summary>
[TestFixture]
public sealed class TraceTests : NatsServerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [TestCase(false, NotificationConsumers.Paid, TestName = "A paid order is one trace from POST /orders through payment-processor and notifier-paid")]
    [TestCase(true, NotificationConsumers.Failed, TestName = "A failed order is one trace from POST /orders through payment-processor and notifier-failed")]
    public async Task One_order_is_one_trace_in_one_host(bool overLimit, string notifier)
    {
        var outcomeSubject = overLimit ? PaymentEvents.Failed.Subject : PaymentEvents.Succeeded.Subject;
        var spans = new TraceCollection();
        await using var host = await RunningOrderHost.StartAsync(Server, configure: spans.AddTo());

        await AssertOneTraceAsync(host.Api, host.Api, spans, overLimit, notifier, outcomeSubject);
    }

    [Test]
    public async Task One_order_is_one_trace_across_two_hosts_running_different_modules()
    {
        var spans = new TraceCollection();
        await using var orders = await RunningOrderHost.StartAsync(
            Server,
            new Dictionary<string, string?> { ["Modules:Payments:Enabled"] = "false", ["Modules:Notifications:Enabled"] = "false" },
            spans.AddTo());
        await using var workers = await RunningOrderHost.StartAsync(
            Server,
            new Dictionary<string, string?> { ["Modules:Orders:Enabled"] = "false" },
            spans.AddTo());

        await AssertOneTraceAsync(orders.Api, orders.Api, spans, overLimit: false, NotificationConsumers.Paid, PaymentEvents.Succeeded.Subject);
    }

    [Test]
    public async Task Without_an_exporter_only_a_caller_sampled_trace_is_recorded_and_the_context_reaches_the_events_either_way()
    {
        var spans = new TraceCollection();
        await using var host = await RunningOrderHost.StartAsync(Server, configure: spans.AddTo(sampleAll: false));

        var unsampled = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
        await host.Api.WaitForOrderAsync(unsampled, o => o.IsCompleted, "completed", Patience);

        var callerTrace = ActivityTraceId.CreateRandom();
        var sampledTraceParent = $"00-{callerTrace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var posted = await host.Api.PostTracedOrderAsync(OrderBodies.Paid(), sampledTraceParent);
        Assert.That(posted.Status, Is.EqualTo(HttpStatusCode.Accepted), $"POST with a sampled traceparent: {posted}");
        var sampled = OrderApiClient.OrderIdOf(posted);
        await host.Api.WaitForOrderAsync(sampled, o => o.IsCompleted, "completed", Patience);
        var sampledHandlers = await Eventually.Until(
            () => Task.FromResult(HandlerSpansOf(spans, sampled)),
            list => list.Count >= 2,
            $"the two handler spans of the order whose caller sampled its trace ({sampled})",
            Patience);

        var unsampledEvents = await Broker.ReadForOrderAsync(OrderEvents.Created.Subject, unsampled);
        var sampledEvents = await Broker.ReadForOrderAsync(OrderEvents.Created.Subject, sampled);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(HandlerSpansOf(spans, unsampled), Is.Empty, "recorded spans of the order posted without a traceparent");
            Assert.That(spans.Snapshot().Where(s => s.TraceId != callerTrace), Is.Empty, "recorded spans outside the caller's sampled trace");
            Assert.That(unsampledEvents.Single().Header("traceparent"), Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$"), "traceparent of the unsampled order's orders.created");
            Assert.That(sampledEvents.Single().Header("traceparent"), Does.Match($"^00-{callerTrace.ToHexString()}-[0-9a-f]{{16}}-01$"), "traceparent of the sampled order's orders.created");
            Assert.That(sampledHandlers.Select(s => s.TraceId).Distinct(), Is.EqualTo(new[] { callerTrace }), "trace of the sampled order's handler spans");
        }
    }

    private async Task AssertOneTraceAsync(OrderApiClient api, OrderApiClient reader, TraceCollection spans, bool overLimit, string notifier, string outcomeSubject)
    {
        var earlierPosts = spans.Snapshot().Where(IsPostOrders).Select(s => s.SpanId).ToHashSet();
        JsonObject body = overLimit ? OrderBodies.OverApprovalLimit() : OrderBodies.Paid();

        var orderId = await api.PlaceOrderAsync(body);
        await reader.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);

        var post = (await Eventually.Until(
            () => Task.FromResult(spans.Snapshot().Where(s => IsPostOrders(s) && !earlierPosts.Contains(s.SpanId)).DistinctBy(s => s.SpanId).ToList()),
            list => list.Count == 1,
            "exactly one new POST /orders server span"))[0];
        var expected = new[]
        {
            (PaymentConsumers.Processor, "orders.created process"),
            (notifier, $"{outcomeSubject} process"),
        };
        var handlers = await Eventually.Until(
            () => Task.FromResult(HandlerSpansOf(spans, orderId)),
            list => expected.All(e => list.Any(s => Group(s) == e.Item1 && s.DisplayName == e.Item2)),
            $"the handler spans of order {orderId}: {string.Join(", ", expected)}",
            Patience);

        TestContext.Out.WriteLine($"POST span {post.DisplayName} trace {post.TraceId}");
        foreach (var span in handlers)
        {
            TestContext.Out.WriteLine($"  {span.DisplayName} [{Group(span)}] trace {span.TraceId} parent {span.ParentSpanId}");
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handlers.Select(s => s.TraceId).Distinct(), Is.EqualTo(new[] { post.TraceId }), "trace ids of the handler spans vs. the POST /orders span");
            Assert.That(handlers.Select(s => s.ParentSpanId), Has.None.EqualTo(default(ActivitySpanId)), "every handler span has a parent");
            Assert.That(handlers.Select(s => s.Kind), Has.All.EqualTo(ActivityKind.Consumer), "kind of the handler spans");
            var stored = (await Broker.ReadForOrderAsync(OrderEvents.Created.Subject, orderId)).Single();
            Assert.That(stored.Header("traceparent"), Does.Contain(post.TraceId.ToHexString()), "traceparent of the stored orders.created");
        }
    }

    private static List<Activity> HandlerSpansOf(TraceCollection spans, Guid orderId)
        => [.. spans.Snapshot().Where(s => s.Source.Name == "OrderHost.Messaging" && Group(s) is not null
            && s.GetTagItem("orderhost.order_id")?.ToString() == orderId.ToString("D")).DistinctBy(s => s.SpanId)];

    private static string? Group(Activity span) => span.GetTagItem("messaging.consumer.group.name") as string;

    private static bool IsPostOrders(Activity span)
        => span.Kind == ActivityKind.Server
            && span.GetTagItem("http.request.method") as string == "POST"
            && span.GetTagItem("url.path") as string == "/orders";
}
