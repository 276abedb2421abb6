using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// nats-server is stopped and started again (same store) while the published host takes orders: the host
/// refuses with 503 within its publish time-out while the server is away, reconnects by itself, and every
/// order it answered 202 is processed exactly once.
/// </summary>
[TestFixture]
public sealed class BrokerOutageTests : NatsServerFixture
{
    private const int Parallelism = 8;
    private const int AcceptedBeforeOutage = 100;
    private const int AcceptedAfterOutage = 100;
    private const int RefusalsDuringOutage = 2 * Parallelism;
    private static readonly TimeSpan BoundedAnswer = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Completion = TimeSpan.FromMinutes(2);

    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["Orders__PublishTimeout"] = "00:00:02",
        // What the server had delivered but not seen acknowledged before it stopped comes back after AckWait.
        ["Nats__Consumers__AckWait"] = "00:00:05",
    };

    [TearDown]
    public async Task EnsureServerRunningAsync()
    {
        if (!Server.IsRunning)
        {
            await Server.StartAsync();
        }
    }

    [Test]
    public async Task Restarting_nats_under_load_loses_no_accepted_order_and_refuses_with_503_in_bounded_time()
    {
        await using var host = await PublishedHost.StartAsync(Server, "outage", Environment);
        var load = new OrderLoad(host.Api, Parallelism);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(100_000, stop.Token);
        await load.WhenAccepted(AcceptedBeforeOutage).WaitAsync(Patience);

        await Server.StopAsync();
        var outageStart = load.Now;
        await Eventually.Until(
            () => host.Api.GetAsync("/health/ready"), r => r.Status == HttpStatusCode.ServiceUnavailable, $"/health/ready of {host} to answer 503 while NATS is down", Patience);
        await Eventually.Until(
            () => Task.FromResult(load.Attempts.Count(a => a.StartedAt >= outageStart && a.Status == HttpStatusCode.ServiceUnavailable)),
            n => n >= RefusalsDuringOutage,
            $"{RefusalsDuringOutage} POSTs sent during the outage to be refused",
            Patience);
        var outageEnd = load.Now;
        await Server.StartAsync();

        var acceptedBeforeRestart = load.AcceptedCount;
        await load.WhenAccepted(acceptedBeforeRestart + AcceptedAfterOutage).WaitAsync(Patience);
        await stop.CancelAsync();
        await running;
        var attempts = load.Attempts;

        var accepted = attempts.Where(a => a.Accepted).ToList();
        var refused = attempts.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var unexpected = attempts.Where(a => a.Status is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable)).ToList();
        var slowRefusals = refused.Where(a => a.Elapsed >= BoundedAnswer).ToList();
        var acceptedWhileDown = attempts.Where(a => a.Accepted && a.StartedAt >= outageStart && a.EndedAt <= outageEnd).ToList();
        TestContext.Out.WriteLine(
            $"{attempts.Count} POSTs: {accepted.Count} answered 202, {refused.Count} answered 503 (slowest {(refused.Count > 0 ? refused.Max(a => a.Elapsed).TotalMilliseconds : 0):0} ms), " +
            $"{unexpected.Count} other; outage from {outageStart.TotalSeconds:0.0} s to {outageEnd.TotalSeconds:0.0} s of the run.");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(unexpected, Is.Empty, "POSTs answered neither 202 nor 503 (or not at all)");
            Assert.That(slowRefusals, Is.Empty, $"503 answers that took {BoundedAnswer.TotalSeconds:0} s or more");
            Assert.That(acceptedWhileDown, Is.Empty, "POSTs sent and answered 202 while nats-server was down");
            Assert.That(host.IsRunning, Is.True, $"{host} after the outage");
        }

        await host.WaitUntilReadyAsync(Patience);
        var acceptedIds = accepted.Select(a => a.OrderId!.Value).ToList();
        var states = await OrderCompletion.WaitAllAsync(host.Api, Broker, acceptedIds, Completion, expectedNotifiedAtLeast: (ulong)acceptedIds.Count);
        var audit = await PipelineAudit.TakeSettledAsync(Broker, Completion);
        TestContext.Out.WriteLine(audit.Summary(acceptedIds));

        // A 503 means nothing was accepted: no order of a POST sent and refused while the server was down may surface later.
        var storedCustomers = (await Broker.ReadMessagesAsync(PipelineAudit.Created))
            .Select(m => m.Body?.TryGetProperty("customerId", out var c) == true ? c.GetString() : null)
            .ToHashSet(StringComparer.Ordinal);
        var refusedWhileDown = refused.Where(a => a.StartedAt >= outageStart && a.EndedAt <= outageEnd).ToList();
        var refusedButStored = refusedWhileDown.Where(a => storedCustomers.Contains(a.CustomerId)).ToList();
        var refusedAroundTheStopButStored = refused.Where(a => a.StartedAt < outageStart && storedCustomers.Contains(a.CustomerId)).ToList();
        TestContext.Out.WriteLine(
            $"503s sent while down: {refusedWhileDown.Count}, of them stored later: {refusedButStored.Count}; " +
            $"503s in flight at the stop and stored anyway (an outcome the client cannot know): {refusedAroundTheStopButStored.Count}.");

        audit.AssertExactlyOnce(acceptedIds, "accepted orders", accepted.ToDictionary(a => a.OrderId!.Value, a => a.ExpectedStatus));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(refusedWhileDown, Is.Not.Empty, "POSTs sent and refused while the server was down");
            Assert.That(refusedButStored, Is.Empty, "orders refused with 503 while the server was down, yet stored in the stream");
            Assert.That(acceptedIds.Where(id => audit.CreatedByOrder.GetValueOrDefault(id) != 1), Is.Empty, "accepted orders without exactly one orders.created");
            Assert.That(accepted.Where(a => states[a.OrderId!.Value].Status != a.ExpectedStatus).Select(a => states[a.OrderId!.Value]), Is.Empty, "accepted orders with an unexpected final status");
        }
    }
}
