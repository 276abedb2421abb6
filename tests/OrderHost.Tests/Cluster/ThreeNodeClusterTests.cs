using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream.Models;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Topology;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Cluster;

/// <summary>
/// OrderHost on a 3-node JetStream cluster (three nats-server processes on loopback, <c>Nats:Replicas</c> = 3):
/// every stream and bucket has three replicas, and killing the node that leads ORDERS in the middle of a
/// load loses no accepted order, processes none twice, resumes under a new leader, and the killed node,
/// started again on its old store, catches up.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ThreeNodeClusterTests : ClusterHostFixture
{
    private const string OrdersStream = BrokerProbe.OrdersStream;
    private const int Workers = 4;
    private const int AcceptedBeforeKill = 40;
    private const int AcceptedAfterKill = 40;

    // Each worker sends at most one order per pace: ~40 orders/s at most, below what the host processes here.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);

    // Generous: the machine is shared; these bound waiting, they do not measure speed.
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LoadPhaseTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The streams OrderHost provisions: ORDERS, its dead letters and advisories, and the idempotency-keys bucket.</summary>
    private static readonly string[] ReplicatedStreams =
        [OrdersStream, BrokerProbe.DeadLetterStream, BrokerProbe.AdvisoryStream, "KV_idempotency-keys"];

    private static readonly string[] Durables = [PaymentConsumers.Processor, NotificationConsumers.Paid, NotificationConsumers.Failed];

    private readonly CountingPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();

    // The production nak delays (1 s, 5 s, 30 s): with 100 ms a handler whose publish finds ORDERS
    // without a leader would use up its 5 deliveries within the election and be dead-lettered.
    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["Nats:Consumers:NakDelays:0"] = "00:00:01",
        ["Nats:Consumers:NakDelays:1"] = "00:00:05",
        ["Nats:Consumers:NakDelays:2"] = "00:00:30",
    };

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(_gateway, _sender);

    [Test]
    [Order(1)]
    public async Task Every_stream_bucket_and_consumer_has_three_replicas_on_the_three_nodes()
    {
        var allStreams = new List<string>();
        await foreach (var name in Broker.JetStream.ListStreamNamesAsync())
        {
            allStreams.Add(name);
        }

        Assert.That(allStreams, Is.SupersetOf(ReplicatedStreams), "streams provisioned by the host");
        var consumers = await Broker.ListConsumersAsync();
        using (Assert.EnterMultipleScope())
        {
            foreach (var name in allStreams)
            {
                var info = (await Broker.JetStream.GetStreamAsync(name)).Info;
                TestContext.Out.WriteLine($"{name}: replicas {info.Config.NumReplicas}, {Describe(info.Cluster)}");
                Assert.That(info.Config.NumReplicas, Is.EqualTo(Nodes), $"{name} Config.NumReplicas");
                Assert.That(info.Cluster?.Replicas, Has.Count.EqualTo(Nodes - 1), $"{name} Cluster.Replicas (peers besides the leader)");
                Assert.That(PeerNames(info.Cluster), Is.EquivalentTo(NatsCluster.Nodes.Select(n => n.Name)), $"{name} leader and replicas");
            }

            Assert.That(consumers.Select(c => c.Name), Is.SupersetOf(Durables));
            foreach (var consumer in consumers)
            {
                TestContext.Out.WriteLine($"consumer {consumer.Name}: {Describe(consumer.Cluster)}");
                Assert.That(consumer.Cluster?.Replicas, Has.Count.EqualTo(Nodes - 1), $"consumer {consumer.Name} replicas besides the leader");
            }
        }
    }

    [Test]
    [Order(2)]
    public async Task Killing_the_ORDERS_leader_under_load_loses_and_repeats_nothing_and_the_restarted_node_catches_up()
    {
        var customerId = $"c-cluster-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();

        // 1. Load, then SIGKILL the node leading ORDERS while it runs.
        await using var load = new OrderLoad(Host.Api, Workers) { CustomerId = customerId, Pace = Pace, Clock = clock, FailsPayment = _ => false }.Start();
        await load.WaitUntilAsync(a => a.Count(x => x.Accepted) >= AcceptedBeforeKill, $"{AcceptedBeforeKill} orders accepted before the kill", LoadPhaseTimeout);

        var before = (await Broker.JetStream.GetStreamAsync(OrdersStream)).Info;
        var victim = NatsCluster.Node(before.Cluster?.Leader ?? throw new AssertionException("ORDERS has no leader before the kill"));
        TestContext.Progress.WriteLine(
            $"ORDERS leader {victim.Name} ({Describe(before.Cluster)}); {await WhereIsTheHostAsync()}; " +
            $"consumer leaders: {string.Join(", ", (await Broker.ListConsumersAsync()).Select(c => $"{c.Name} {c.Cluster?.Leader} (ack pending {c.NumAckPending})"))}; " +
            $"killing {victim.Name}");
        var killedAt = clock.Elapsed;
        await victim.KillAsync();

        // 2. A canary order right after the kill: the first order accepted and completed after it.
        var canary = PlaceAndCompleteAsync(Host.Api, customerId, clock);
        // The survivors' monitoring endpoints say when they agree on a new leader (no NATS request timeouts in the way).
        var survivors = NatsCluster.Nodes.Where(n => n != victim).ToList();
        var newLeader = (await Eventually.Until(
            async () => await Task.WhenAll(survivors.Select(n => n.LocalStreamStateAsync(OrdersStream))),
            views => views.All(v => !string.IsNullOrEmpty(v?.Leader) && v.Leader != victim.Name && v.Leader == views[0]!.Leader),
            "the surviving nodes to agree on a new ORDERS leader",
            LoadPhaseTimeout))[0]!.Leader;
        var electedAfter = clock.Elapsed - killedAt;
        var (canaryId, canaryAccepted, canaryCompleted) = await canary;
        var failover = canaryCompleted - killedAt;
        await load.WaitUntilAsync(
            a => a.Count(x => x.Accepted && x.StartedAt > killedAt) >= AcceptedAfterKill,
            $"{AcceptedAfterKill} orders accepted after the kill",
            LoadPhaseTimeout);
        var attempts = await load.StopAsync();

        var accepted = attempts.Where(a => a.Accepted).Select(a => a.OrderId!.Value).Append(canaryId).ToHashSet();
        var firstAcceptedAfterKill = attempts.Where(a => a.Accepted && a.StartedAt > killedAt).Min(a => a.EndedAt) - killedAt;
        var refusals = attempts.Where(a => !a.Accepted).ToList();
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            POSTs: {attempts.Count + 1} ({Workers} workers + canary): 202 {accepted.Count} ({attempts.Count(a => a.Accepted && a.StartedAt < killedAt)} before the kill, {accepted.Count - attempts.Count(a => a.Accepted && a.StartedAt < killedAt)} after),
              503 {refusals.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)}, other statuses {refusals.Count(a => a.Status is not null && a.Status != HttpStatusCode.ServiceUnavailable)}, transport errors {refusals.Count(a => a.Status is null)}
              refusals sent between {Span(refusals.Select(a => a.StartedAt - killedAt))} after the kill
            new ORDERS leader {newLeader} {electedAfter.TotalSeconds:0.0} s after the kill (as the surviving nodes' /jsz report it)
            first 202 for an order sent after the kill: {firstAcceptedAfterKill.TotalSeconds:0.0} s after the kill
            failover (kill -> first order accepted and completed after it, canary {canaryId}): {failover.TotalSeconds:0.0} s (accepted at {(canaryAccepted - killedAt).TotalSeconds:0.0} s)
            """));
        Assert.That(
            refusals.Where(a => a.Status is not null and not HttpStatusCode.ServiceUnavailable).Select(a => a.Error),
            Is.Empty,
            "answers other than 202 and 503 (503 is allowed while the stream elects a leader)");

        // 3. Every accepted order completes; nothing is stored or processed twice.
        // Waits for orders.notified of every accepted order (and of any stored without a 202), then asserts
        // on what it saw last, so a loss shows up as the missing order ids.
        var events = await LastObservationAsync(
            () => OrderEventsOfAsync(customerId),
            e => accepted.All(id => e.Notified.ContainsKey(id)) && e.Created.Keys.All(id => e.Notified.ContainsKey(id)),
            CompletionTimeout);
        var completed = accepted.Count(id => events.Notified.ContainsKey(id));
        var storedWithout202 = events.Created.Keys.Except(accepted).ToList();
        var chargedTwice = events.Created.Keys.Where(id => _gateway.ChargesFor(id) > 1).ToList();
        var notifiedTwice = events.Created.Keys.Where(id => _sender.SentFor(id) > 1).ToList();
        var deadLetters = await DeadLettersAsync();
        TestContext.Progress.WriteLine(
            $"completed {completed} of {accepted.Count} accepted; stored without a 202 (answer lost in the failover): {storedWithout202.Count}; " +
            $"dead letters: {deadLetters.Count}; side effects repeated (reported, not asserted: an append that fails in the election " +
            $"after the call makes the redelivery call again; the ledger still stores one outcome): gateway for {chargedTwice.Count} orders, " +
            $"notification for {notifiedTwice.Count}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.Where(id => !events.Created.ContainsKey(id)), Is.Empty, "accepted orders without orders.created (lost)");
            Assert.That(accepted.Where(id => !events.Notified.ContainsKey(id)), Is.Empty, $"accepted orders without orders.notified after {CompletionTimeout.TotalSeconds:0} s");
            Assert.That(deadLetters, Is.Empty, "dead letters (each is a message the host gave up on)");
            foreach (var orderId in events.Created.Keys)
            {
                Assert.That(events.Created[orderId], Is.EqualTo(1), $"orders.created of {orderId}");
                Assert.That(events.Paid.GetValueOrDefault(orderId) + events.PaymentFailed.GetValueOrDefault(orderId), Is.EqualTo(1), $"payment outcomes of {orderId}");
                Assert.That(events.Paid.GetValueOrDefault(orderId), Is.EqualTo(1), $"orders.paid of {orderId}");
                Assert.That(events.Notified.GetValueOrDefault(orderId), Is.EqualTo(1), $"orders.notified of {orderId}");
            }

            Assert.That(failover, Is.LessThan(FailoverLimit), "kill -> first order accepted and completed after it");
        }

        // The read model agrees: every accepted order is paid and notified.
        var notCompleted = await LastObservationAsync(() => NotCompletedAsync(accepted), pending => pending.Count == 0, CompletionTimeout);
        Assert.That(notCompleted, Is.Empty, "GET /orders/{id} of accepted orders that are not paid and notified");

        // 4. The killed node comes back on its old store and ports and catches up.
        var restartedAt = clock.Elapsed;
        victim.Start();
        await Eventually.Until(() => victim.HealthAsync(), h => h.Status == 200, $"{victim.Name} /healthz to answer 200 after the restart", CatchUpTimeout);
        foreach (var stream in ReplicatedStreams)
        {
            await Eventually.Until(
                async () => (await Broker.JetStream.GetStreamAsync(stream)).Info.Cluster,
                cluster => IsCurrent(cluster, victim.Name),
                $"{stream} to list {victim.Name} as a current replica with lag 0",
                CatchUpTimeout);
        }

        var caughtUpAfter = clock.Elapsed - restartedAt;
        var leaderState = (await Broker.JetStream.GetStreamAsync(OrdersStream)).Info.State
            ?? throw new AssertionException("ORDERS stream info without state");
        var local = await Eventually.Until(
            async () => await Task.WhenAll(NatsCluster.Nodes.Select(n => n.LocalStreamStateAsync(OrdersStream))),
            states => states.All(s => s is not null && s.Messages == leaderState.Messages && s.LastSequence == leaderState.LastSeq),
            $"every node to store ORDERS up to sequence {leaderState.LastSeq} ({leaderState.Messages} messages)",
            CatchUpTimeout);
        var after = (await Broker.JetStream.GetStreamAsync(OrdersStream)).Info;
        TestContext.Progress.WriteLine(
            $"{victim.Name} restarted and current on every stream {caughtUpAfter.TotalSeconds:0.0} s after the start; ORDERS {Describe(after.Cluster)}; " +
            $"stored per node: {string.Join(", ", local.Select(s => $"{s!.Node} {s.Messages} msgs up to #{s.LastSequence}"))}");

        // Readiness follows the consume loops: one whose pulls went unanswered while its consumer moved leader
        // says so until its pulls are answered again, by itself.
        await Host.WaitUntilReadyAsync(CatchUpTimeout);
    }

    /// <summary>
    /// A follower of ORDERS is frozen (SIGSTOP, sockets open) while orders complete on the other two, then thawed,
    /// and every consumer is replayed from the first sequence while it catches up: a handler that decided from a
    /// lagging replica would charge or notify again. Decisions read the leader, so nobody is charged, notified or
    /// appended twice.
    /// </summary>
    [Test]
    [Order(3)]
    public async Task Replaying_every_consumer_while_a_paused_follower_catches_up_charges_and_notifies_nobody_again()
    {
        var customerId = $"c-follower-{Guid.NewGuid():N}";
        var stream = (await Broker.JetStream.GetStreamAsync(OrdersStream)).Info;
        var hostNodes = await HostNodesAsync();
        var follower = NatsCluster.Nodes.First(n => n.Name != stream.Cluster?.Leader && !hostNodes.Contains(n.Name) && n.IsRunning);
        TestContext.Progress.WriteLine($"ORDERS {Describe(stream.Cluster)}; host on [{string.Join(", ", hostNodes)}]; pausing {follower.Name}");

        PosixSignal.Pause(follower.ProcessId!.Value);
        var orderIds = new List<Guid>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                orderIds.Add(await Host.Api.PlaceOrderAsync(i % 4 == 0 ? OrderBodies.OverApprovalLimit(customerId) : OrderBodies.Paid(customerId), timeout: LoadPhaseTimeout));
            }

            await OrderCompletion.WaitAllAsync(Host.Api, Broker, orderIds, CompletionTimeout);
        }
        finally
        {
            PosixSignal.Resume(follower.ProcessId!.Value);
        }

        var charges = PipelineAudit.PerOrder(_gateway.Snapshot(), orderIds);
        var sent = PipelineAudit.PerOrder(_sender.Snapshot(), orderIds);
        var before = await PipelineAudit.TakeSettledAsync(Broker, CompletionTimeout);
        var replay = new ConsumerReplay(Broker.JetStream, Options.Create(NatsOptions.For(OrderLedger.Definition)));
        foreach (var durable in Durables)
        {
            // The thawed node may have led this consumer's group: until it is re-elected the server answers 503; ask again.
            var start = await Eventually.Until(
                () => replay.ReplayAsync(durable, 1, null, CancellationToken.None),
                _ => true,
                $"{durable} to accept the replay",
                LoadPhaseTimeout);
            Assert.That(start, Is.EqualTo(1UL), $"{durable} moved back to the first sequence");
        }

        var lagging = (await Broker.JetStream.GetStreamAsync(OrdersStream)).Info.Cluster;
        TestContext.Progress.WriteLine($"replayed while ORDERS is {Describe(lagging)}");
        var after = await PipelineAudit.TakeSettledAsync(Broker, CompletionTimeout);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PipelineAudit.PerOrder(_gateway.Snapshot(), orderIds), Is.EqualTo(charges), "gateway charges per order");
            Assert.That(PipelineAudit.PerOrder(_sender.Snapshot(), orderIds), Is.EqualTo(sent), "notifications sent per order");
            Assert.That(charges, Has.All.EndsWith("×1"), "each order charged once before the replay");
            Assert.That(after.LedgerWrites, Is.EqualTo(before.LedgerWrites), "appends to the ledger (none: every step is done)");
        }

        after.AssertExactlyOnce(orderIds, "orders completed while a follower was paused");
    }

    /// <summary>The nodes holding the host's connections (GET /connz on each node).</summary>
    private async Task<HashSet<string>> HostNodesAsync()
    {
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in NatsCluster.Nodes.Where(n => n.IsRunning))
        {
            var names = await node.ClientConnectionNamesAsync();
            if (names.Any(n => n.StartsWith("orderhost", StringComparison.Ordinal) && !n.StartsWith("orderhost-tests", StringComparison.Ordinal)))
            {
                nodes.Add(node.Name);
            }
        }

        return nodes;
    }

    /// <summary>Polls until <paramref name="isSatisfied"/> or the deadline and returns the last observation either way.</summary>
    private static async Task<T> LastObservationAsync<T>(Func<Task<T>> probe, Func<T, bool> isSatisfied, TimeSpan timeout)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        T? last = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (isSatisfied(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is not AssertionException && clock.Elapsed < timeout)
            {
                // The probe's own connection may still be reconnecting after the kill.
            }

            if (clock.Elapsed >= timeout && last is not null)
            {
                return last;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>POSTs until 202 (refusals allowed while the cluster elects), then polls until the order is completed.</summary>
    private static async Task<(Guid OrderId, TimeSpan Accepted, TimeSpan Completed)> PlaceAndCompleteAsync(OrderApiClient api, string customerId, Stopwatch clock)
    {
        var orderId = await api.PlaceOrderAsync(OrderBodies.Paid(customerId), timeout: LoadPhaseTimeout);
        var accepted = clock.Elapsed;
        await api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", LoadPhaseTimeout);
        return (orderId, accepted, clock.Elapsed);
    }

    private async Task<OrderEventCounts> OrderEventsOfAsync(string customerId)
    {
        var created = (await Broker.ReadMessagesAsync(OrderEvents.Created.Subject))
            .Where(m => m.Body?.TryGetProperty("customerId", out var c) == true && c.GetString() == customerId)
            .GroupBy(m => m.OrderId ?? Guid.Empty)
            .ToDictionary(g => g.Key, g => g.Count());
        return new OrderEventCounts(
            created,
            await CountOfOrdersAsync(PaymentEvents.Succeeded.Subject, created),
            await CountOfOrdersAsync(PaymentEvents.Failed.Subject, created),
            await CountOfOrdersAsync(NotificationEvents.Notified.Subject, created));
    }

    private async Task<IReadOnlyDictionary<Guid, int>> CountOfOrdersAsync(string subject, Dictionary<Guid, int> orders)
        => (await Broker.CountByOrderAsync(subject)).Where(c => orders.ContainsKey(c.Key)).ToDictionary(c => c.Key, c => c.Value);

    private async Task<IReadOnlyList<string>> NotCompletedAsync(IEnumerable<Guid> orderIds)
    {
        var pending = new List<string>();
        foreach (var orderId in orderIds)
        {
            var state = await Host.Api.FindOrderAsync(orderId);
            if (state is not { IsCompleted: true, Status: "paid" })
            {
                pending.Add(state?.ToString() ?? $"order {orderId}: 404");
            }
        }

        return pending;
    }

    /// <summary>Every entry of ORDERS_DLQ (the cluster is this fixture's own, so every entry is this test's).</summary>
    private async Task<IReadOnlyList<string>> DeadLettersAsync()
    {
        // Right after a kill the stream may still be electing a leader (it may have led on the killed node): ask until it answers.
        var stream = await Eventually.Until(
            () => Broker.JetStream.GetStreamAsync(BrokerProbe.DeadLetterStream).AsTask(),
            _ => true,
            $"{BrokerProbe.DeadLetterStream} to answer stream info",
            LoadPhaseTimeout);
        var count = stream.Info.State?.Messages ?? 0;
        var entries = new List<string>();
        if (count == 0)
        {
            return entries;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var consumer = await Broker.JetStream.CreateOrderedConsumerAsync(BrokerProbe.DeadLetterStream, cancellationToken: timeout.Token);
        await foreach (var msg in consumer.ConsumeAsync(NATS.Client.Core.NatsRawSerializer<byte[]>.Default, cancellationToken: timeout.Token))
        {
            var headers = msg.Headers?.Where(h => h.Key.StartsWith("OrderHost-Dlq", StringComparison.OrdinalIgnoreCase)).Select(h => $"{h.Key}={h.Value}") ?? [];
            entries.Add($"{msg.Subject} [{string.Join(", ", headers)}]");
            if (msg.Metadata is { NumPending: 0 })
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>Which node holds the host's connection(s) (GET /connz on each node).</summary>
    private async Task<string> WhereIsTheHostAsync()
    {
        var parts = new List<string>();
        foreach (var node in NatsCluster.Nodes)
        {
            var names = await node.ClientConnectionNamesAsync();
            var host = names.Count(n => n.StartsWith("orderhost", StringComparison.Ordinal) && !n.StartsWith("orderhost-tests", StringComparison.Ordinal));
            parts.Add($"{node.Name}: {host} host connection(s)");
        }

        return string.Join(", ", parts);
    }

    private static bool IsCurrent(ClusterInfo? cluster, string node)
        => cluster is not null
           && (cluster.Leader == node
               || cluster.Replicas?.Any(r => r.Name == node && r.Current && !r.Offline && r.Lag == 0) == true);

    private static IEnumerable<string> PeerNames(ClusterInfo? cluster)
        => cluster is null ? [] : [.. (cluster.Replicas ?? []).Select(r => r.Name), .. cluster.Leader is null ? Array.Empty<string>() : [cluster.Leader]];

    private static string Describe(ClusterInfo? cluster) => cluster is null
        ? "no cluster info"
        : $"leader {cluster.Leader}, replicas [{string.Join(", ", (cluster.Replicas ?? []).Select(r => $"{r.Name} current={r.Current} offline={r.Offline} lag={r.Lag}"))}]";

    private static string Span(IEnumerable<TimeSpan> offsets)
    {
        var list = offsets.ToList();
        return list.Count == 0
            ? "(none)"
            : string.Create(CultureInfo.InvariantCulture, $"{list.Min().TotalSeconds:0.0} s and {list.Max().TotalSeconds:0.0} s");
    }

    private sealed record OrderEventCounts(
        IReadOnlyDictionary<Guid, int> Created,
        IReadOnlyDictionary<Guid, int> Paid,
        IReadOnlyDictionary<Guid, int> PaymentFailed,
        IReadOnlyDictionary<Guid, int> Notified);
}
