using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// The webhook receiver is down for a long outage while 1,000 orders flow, and the host is killed
/// (SIGKILL) and started again in the middle of it. Production retries with back-off up to 5 minutes;
/// here the cap is 5 s so the outage fits in seconds, on the same code path. Once the receiver is back
/// every order completes once: nothing dead-lettered, lost or repeated, one delivered webhook per order.
/// </summary>
[TestFixture]
public sealed class WebhookOutageTests : NatsServerFixture
{
    private const int Orders = 1000;
    private const int KillAfterAccepted = 500;
    private const int Parallelism = 16;

    /// <summary>Refused attempts every order's webhook must have seen before the receiver returns: several back-off rounds.</summary>
    private const int RefusalsPerOrder = 2;

    private static readonly TimeSpan MinimumOutage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, int> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _delivered = new(StringComparer.Ordinal);
    private volatile bool _receiverDown = true;

    [Test]
    public async Task A_long_webhook_outage_with_the_host_killed_midway_completes_all_1000_orders_once_without_dead_letters()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Behaviour = Answer;
        var outage = Stopwatch.StartNew();
        var environment = Environment(receiver.Url);

        LoadAttempt[] beforeKill;
        await using (var first = await PublishedHost.StartAsync(Server, "outage-first", environment))
        {
            var load = new OrderLoad(first.Api, Parallelism);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(Orders, stop.Token);
            var reached = load.WhenAccepted(KillAfterAccepted);
            await Task.WhenAny(reached, running).WaitAsync(Patience);
            Assert.That(reached.IsCompletedSuccessfully, Is.True, $"{KillAfterAccepted} orders accepted before the kill; got {load.AcceptedCount}. {first}");
            await first.KillAsync();
            await stop.CancelAsync();
            await running;
            beforeKill = [.. load.Attempts];
        }

        await using var second = await PublishedHost.StartAsync(Server, "outage-second", environment);
        var rest = new OrderLoad(second.Api, Parallelism);
        await rest.RunAsync(Orders - beforeKill.Count(a => a.Accepted)).WaitAsync(Patience);
        var accepted = beforeKill.Concat(rest.Attempts).Where(a => a.Accepted).ToList();
        Assert.That(rest.Attempts.Where(a => !a.Accepted), Is.Empty, "POSTs to the second host not answered 202");
        Assert.That(accepted, Has.Count.EqualTo(Orders), "orders answered 202 by the two hosts");

        // Also the orders whose 202 the kill cut off: stored, so they must complete once too.
        var stored = (await Broker.CountByOrderAsync(PipelineAudit.Created)).Keys.ToList();
        await Eventually.Until(
            async () => await Broker.CountAsync(PipelineAudit.Paid) + await Broker.CountAsync(PipelineAudit.PaymentFailed),
            n => n >= (ulong)stored.Count,
            "a payment outcome for every stored order while the receiver is down",
            Patience);
        await Eventually.Until(
            () => Task.FromResult(stored.Where(id => RefusalsOf(id) < RefusalsPerOrder).Select(id => $"{id}: {RefusalsOf(id)}").ToList() is var waiting
                ? (Waiting: waiting.Count, Examples: string.Join(", ", waiting.Take(3)))
                : default),
            waiting => waiting.Waiting == 0 && outage.Elapsed >= MinimumOutage,
            $"every order's webhook refused {RefusalsPerOrder} times and the outage {MinimumOutage.TotalSeconds:0} s long",
            Patience);
        var notifiedDuringOutage = await Broker.CountAsync(PipelineAudit.Notified);
        _receiverDown = false;
        TestContext.Out.WriteLine(
            $"Receiver back after {outage.Elapsed.TotalSeconds:0} s: {stored.Count} orders stored ({beforeKill.Count(a => a.Status is null)} POSTs to the first host unanswered: cut by the kill, or sent after it), " +
            $"{_refused.Values.Sum()} webhook calls refused.");

        var states = await OrderCompletion.WaitAllAsync(second.Api, Broker, [.. accepted.Select(a => a.OrderId!.Value)], Patience, expectedNotifiedAtLeast: (ulong)stored.Count);
        var audit = await PipelineAudit.TakeSettledAsync(Broker, Patience);
        var deadLetters = await Broker.CountAsync(">", BrokerProbe.DeadLetterStream);
        var wrongStatus = accepted.Where(a => states[a.OrderId!.Value].Status != a.ExpectedStatus).Select(a => states[a.OrderId!.Value].ToString()).ToList();
        var notDeliveredOnce = stored.Where(id => DeliveriesOf(id) != 1).Select(id => $"{id}: {DeliveriesOf(id)}").ToList();
        TestContext.Out.WriteLine($"All completed {outage.Elapsed.TotalSeconds:0} s after the outage began.\n{audit.Summary(stored)}");

        audit.AssertExactlyOnce(stored, "orders in the stream", accepted.ToDictionary(a => a.OrderId!.Value, a => a.ExpectedStatus));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(notifiedDuringOutage, Is.Zero, "orders.notified while the receiver was down");
            Assert.That(deadLetters, Is.Zero, "dead letters");
            Assert.That(wrongStatus, Is.Empty, "accepted orders whose final status is not the expected one");
            Assert.That(notDeliveredOnce, Is.Empty, "orders whose webhook was not answered 2xx exactly once");
            Assert.That(_delivered.Keys.Count, Is.EqualTo(stored.Count), "webhook ids delivered");
        }
    }

    private static Dictionary<string, string?> Environment(Uri webhook) => new()
    {
        ["Notifications__Webhook__Url"] = webhook.ToString(),
        ["Notifications__Webhook__Secret"] = "outage-test-secret",
        ["Notifications__Webhook__Timeout"] = "00:00:02",

        // The production back-off (exponential from 1 s with jitter, no delivery limit), capped at 5 s instead of 5 minutes.
        ["Nats__Consumers__NakDelays__0"] = null,
        ["Nats__Consumers__MaxRetryDelay"] = "00:00:05",

        // What the killed host was handling comes back after AckWait: 6 s instead of 30 s (the handler deadline is 4 s).
        ["Nats__Consumers__AckWait"] = "00:00:06",
    };

    private (int Status, TimeSpan Delay) Answer(string webhookId, int attempt)
    {
        var down = _receiverDown;
        (down ? _refused : _delivered).AddOrUpdate(webhookId, 1, (_, n) => n + 1);
        return (down ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status204NoContent, TimeSpan.Zero);
    }

    /// <summary>A webhook's id is the order id and the outcome it reports.</summary>
    private int RefusalsOf(Guid orderId) => _refused.GetValueOrDefault($"{orderId:D}.paid") + _refused.GetValueOrDefault($"{orderId:D}.failed");

    private int DeliveriesOf(Guid orderId) => _delivered.GetValueOrDefault($"{orderId:D}.paid") + _delivered.GetValueOrDefault($"{orderId:D}.failed");
}
