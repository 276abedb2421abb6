using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// The published host is killed (SIGKILL) with thousands of orders in flight; a new host on the same
/// nats-server finishes them: every order answered 202 is charged (or declined) once and its customer
/// told once, and nothing is repeated.
/// </summary>
[TestFixture]
public sealed class HostCrashTests : NatsServerFixture
{
    private const int AcceptedBeforeKill = 2000;
    private const int MaxOrders = 6000;
    private const int Parallelism = 32;
    private static readonly TimeSpan LoadPatience = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Completion = TimeSpan.FromMinutes(3);

    // Messages the killed host held unacknowledged come back after AckWait: 5 s instead of 30 s keeps the test short.
    private static readonly Dictionary<string, string?> Environment = new() { ["Nats__Consumers__AckWait"] = "00:00:05" };

    [Test]
    public async Task Killing_the_host_with_2000_orders_in_flight_loses_none_and_charges_and_notifies_each_once()
    {
        LoadAttempt[] attempts;
        ulong notifiedAtKill;
        int acceptedAtKill;
        await using (var first = await PublishedHost.StartAsync(Server, "crash-first", Environment))
        {
            var load = new OrderLoad(first.Api, Parallelism);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(MaxOrders, stop.Token);
            var reached = load.WhenAccepted(AcceptedBeforeKill);
            await Task.WhenAny(reached, running).WaitAsync(LoadPatience);
            Assert.That(reached.IsCompletedSuccessfully, Is.True, $"{AcceptedBeforeKill} orders accepted before the load ended; got {load.AcceptedCount}. {first}");

            // POSTs keep coming until the kill: the ones in flight are cut by it.
            notifiedAtKill = await Broker.CountAsync(PipelineAudit.Notified);
            acceptedAtKill = load.AcceptedCount;
            await first.KillAsync();
            await stop.CancelAsync();
            await running;
            attempts = [.. load.Attempts];
            Assert.That(first.IsRunning, Is.False, "the first host after SIGKILL");
        }

        var accepted = attempts.Where(a => a.Accepted).ToList();
        var acceptedIds = accepted.Select(a => a.OrderId!.Value).ToList();
        var expected = accepted.ToDictionary(a => a.OrderId!.Value, a => a.ExpectedStatus);
        var refused = attempts.Where(a => a.Status is { } s && s != HttpStatusCode.Accepted).ToList();
        var unanswered = attempts.Count(a => a.Status is null);
        TestContext.Out.WriteLine(
            $"At the kill: {acceptedAtKill} answered 202, {notifiedAtKill} orders.notified in the stream. " +
            $"In total: {attempts.Length} POSTs, {accepted.Count} answered 202, {unanswered} unanswered (cut by the kill), {refused.Count} refused.");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted, Has.Count.GreaterThanOrEqualTo(AcceptedBeforeKill), "orders answered 202");
            Assert.That(notifiedAtKill, Is.LessThan((ulong)acceptedAtKill), "orders.notified at the kill: some accepted orders must still be in flight");
            Assert.That(refused, Is.Empty, "POSTs answered with something else than 202 while the host ran");
        }

        // The stream also holds orders whose 202 the kill cut off: they must be processed exactly once too.
        var stored = (await Broker.CountByOrderAsync(PipelineAudit.Created)).Keys.ToList();
        await using var second = await PublishedHost.StartAsync(Server, "crash-second", Environment);
        var states = await OrderCompletion.WaitAllAsync(second.Api, Broker, acceptedIds, Completion, expectedNotifiedAtLeast: (ulong)stored.Count);

        var audit = await PipelineAudit.TakeSettledAsync(Broker, Completion);
        var wrongStatus = accepted.Where(a => states[a.OrderId!.Value].Status != a.ExpectedStatus).Select(a => states[a.OrderId!.Value].ToString()).ToList();
        var createdTwice = acceptedIds.Where(id => audit.CreatedByOrder.GetValueOrDefault(id) != 1).ToList();
        TestContext.Out.WriteLine(
            $"After the restart: {states.Count} of {accepted.Count} accepted orders completed; {stored.Count} orders in the stream " +
            $"({stored.Count - accepted.Count} stored without a 202 reaching the client); duplicates: {audit.DuplicatedOrders(stored)}.\n{audit.Summary(stored)}");

        audit.AssertExactlyOnce(stored, "orders in the stream", expected);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(wrongStatus, Is.Empty, "accepted orders whose final status is not the expected one");
            Assert.That(createdTwice, Is.Empty, "accepted orders without exactly one orders.created");
            Assert.That(audit.LedgerWrites.LastSequence, Is.EqualTo(3UL * (ulong)stored.Count), "appends to the ledger (per order: created, one outcome, one notification)");
        }
    }
}
