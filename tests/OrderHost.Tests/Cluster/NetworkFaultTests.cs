using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using OrderHost.Messaging.Configuration;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Cluster;

/// <summary>
/// OrderHost on a 3-node cluster (3 replicas) that it reaches only through one <see cref="TcpFaultProxy"/> per node
/// (the servers run with <c>no_advertise</c>, so the client learns no other address), under a steady load of orders:
/// a black-holed or paused node is left within the configured failure-detection time, and the window without
/// accepted orders is measured; with every node black-holed, or two of three paused, readiness says "not ready"
/// throughout and the host comes back by itself. In every case every accepted order completes exactly once, no
/// delivery is dropped in the client and nothing is dead-lettered.
/// Durations are shorter than in production (15 s and 20 s outages instead of 30 s and 60 s; AckWait 10 s): the
/// code paths are the same.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NetworkFaultTests : ClusterHostFixture
{
    private const int Workers = 4;

    // 4 workers, one order per 250 ms each: about 16 orders/s.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LoadBeforeFault = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LoadAfterFailover = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AllBlackHoled = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QuorumLost = TimeSpan.FromSeconds(20);

    // Generous bounds on waiting, on a shared machine; they do not measure speed.
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    // The readiness check asks the stream with a 2 s timeout; answers are sampled every 250 ms.
    private static readonly TimeSpan ReadinessProbeSlack = TimeSpan.FromSeconds(3);

    private readonly CountingPaymentGateway _gateway = new();
    private readonly CountingNotificationSender _sender = new();
    private readonly List<TcpFaultProxy> _proxies = [];
    private readonly HashSet<Guid> _accepted = [];

    private TimeSpan DetectionTime => Host.Services.GetRequiredService<IOptions<NatsOptions>>().Value.FailureDetectionTime;

    protected override bool NoAdvertise => true;

    protected override string HostNatsUrl => string.Join(',', _proxies.Select(p => p.Url));

    // Production nak delays, so an election cannot use up deliveries; a shorter AckWait, so a delivery
    // lost with a black-holed socket comes back within the test's patience.
    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["Nats:Consumers:NakDelays:0"] = "00:00:01",
        ["Nats:Consumers:NakDelays:1"] = "00:00:05",
        ["Nats:Consumers:NakDelays:2"] = "00:00:30",
        ["Nats:Consumers:AckWait"] = "00:00:10",
        ["Logging:LogLevel:OrderHost.Messaging.Connection"] = "Information",
    };

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(_gateway, _sender);

    protected override void BeforeHostStarts() => _proxies.AddRange(NatsCluster.Nodes.Select(n => TcpFaultProxy.Start(n.Port)));

    protected override void EndFaults() => _proxies.ForEach(p => p.Heal());

    protected override async ValueTask AfterHostStoppedAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }
    }

    [Test]
    [Order(1)]
    public async Task A_black_holed_node_is_left_within_the_detection_time_and_orders_are_accepted_again()
    {
        var node = HostNode();
        var window = await MeasureFailoverAsync($"black-holed {node.Name}", () => _proxies[Index(node)].BlackHole());
        _proxies[Index(node)].Heal();

        await AssertEverythingCompletedOnceAsync();
        Assert.That(window, Is.LessThan(3 * DetectionTime), "fault -> first order accepted after it");
    }

    [Test]
    [Order(2)]
    public async Task A_paused_node_is_left_within_the_detection_time_and_orders_are_accepted_again()
    {
        var node = HostNode();

        // The window measured is the client's: a paused ORDERS leader would add the election (nats-server: 4-9 s).
        await MoveStreamLeaderAwayFromAsync(node);
        var pid = node.ProcessId!.Value;
        TimeSpan window;
        try
        {
            window = await MeasureFailoverAsync($"paused {node.Name}", () => PosixSignal.Pause(pid));
        }
        finally
        {
            PosixSignal.Resume(pid);
        }

        await AssertEverythingCompletedOnceAsync();
        Assert.That(window, Is.LessThan(3 * DetectionTime), "fault -> first order accepted after it");
    }

    [Test]
    [Order(3)]
    public async Task With_every_node_black_holed_readiness_is_false_throughout_and_the_host_comes_back_by_itself()
    {
        await OutageAsync(
            $"every node black-holed for {AllBlackHoled.TotalSeconds:0} s",
            AllBlackHoled,
            () => _proxies.ForEach(p => p.BlackHole()),
            () => _proxies.ForEach(p => p.Heal()));
    }

    [Test]
    [Order(4)]
    public async Task With_two_of_three_nodes_paused_readiness_is_false_throughout_and_the_host_comes_back_by_itself()
    {
        var hostNode = HostNode();
        var paused = NatsCluster.Nodes.Where(n => n != hostNode).Select(n => n.ProcessId!.Value).ToList();
        await OutageAsync(
            $"2 of 3 nodes paused for {QuorumLost.TotalSeconds:0} s (host on {hostNode.Name})",
            QuorumLost,
            () => paused.ForEach(PosixSignal.Pause),
            () => paused.ForEach(PosixSignal.Resume));
    }

    /// <summary>Runs the load, applies the fault, and returns the time from the fault to the first 202 for an order sent after it.</summary>
    private async Task<TimeSpan> MeasureFailoverAsync(string fault, Action inject)
    {
        var clock = Stopwatch.StartNew();
        await using var load = Load(clock);
        await Task.Delay(LoadBeforeFault);
        var droppedBefore = await DroppedMessagesAsync();

        var faultAt = clock.Elapsed;
        inject();
        await load.WaitUntilAsync(
            a => a.Count(x => x.Accepted && x.StartedAt >= faultAt) >= Workers,
            "orders accepted again after the fault",
            RecoveryTimeout);
        await Task.Delay(LoadAfterFailover);
        var attempts = await load.StopAsync();

        var window = attempts.Where(a => a.Accepted && a.StartedAt >= faultAt).Min(a => a.EndedAt) - faultAt;
        var during = attempts.Where(a => a.EndedAt >= faultAt && a.StartedAt <= faultAt + window).ToList();
        Remember(attempts);
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {fault} (detection time {DetectionTime.TotalSeconds:0.#} s): no order accepted for {window.TotalSeconds:0.00} s;
              POSTs {attempts.Count}: 202 {attempts.Count(a => a.Accepted)}, 503 {attempts.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)}, other {attempts.Count(a => !a.Accepted && a.Status is not null and not HttpStatusCode.ServiceUnavailable)}, transport errors {attempts.Count(a => a.Status is null)};
              POSTs in flight in the window: {during.Count}, accepted {during.Count(a => a.Accepted)}, slowest answer {(during.Count == 0 ? 0 : during.Max(a => a.Elapsed.TotalSeconds)):0.00} s
            """));
        AssertOnlyAcceptedOrUnavailable(attempts);
        Assert.That(await DroppedMessagesAsync() - droppedBefore, Is.Zero, "deliveries dropped in the client (orderhost_client_dropped_messages_total)");
        return window;
    }

    /// <summary>An outage that stops intake: readiness is false from shortly after it starts until it ends, then true again by itself.</summary>
    private async Task OutageAsync(string fault, TimeSpan duration, Action inject, Action end)
    {
        var clock = Stopwatch.StartNew();
        await using var readiness = new ReadinessTimeline(Host.Api, clock, TimeSpan.FromMilliseconds(250));
        await using var load = Load(clock);
        await Task.Delay(LoadBeforeFault);
        var droppedBefore = await DroppedMessagesAsync();

        var faultAt = clock.Elapsed;
        TimeSpan endedAt;
        inject();
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            endedAt = clock.Elapsed;
            end();
        }

        await load.WaitUntilAsync(
            a => a.Count(x => x.Accepted && x.StartedAt >= endedAt) >= Workers,
            "orders accepted again after the outage",
            RecoveryTimeout);
        var readyAgain = await Eventually.Until(
            () => Task.FromResult(readiness.Samples.FirstOrDefault(s => s.At > endedAt && s.Ready)),
            s => s is not null,
            "/health/ready to answer 200 again",
            RecoveryTimeout);
        var attempts = await load.StopAsync();
        Remember(attempts);

        var notReadyFrom = readiness.Between(faultAt, endedAt).FirstOrDefault(s => !s.Ready)?.At - faultAt;
        var mustBeFalse = readiness.Between(faultAt + DetectionTime + ReadinessProbeSlack, endedAt);
        var acceptedDuring = attempts.Where(a => a.Accepted && a.EndedAt > faultAt + DetectionTime + ReadinessProbeSlack && a.EndedAt < endedAt).ToList();
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {fault}: readiness false {notReadyFrom?.TotalSeconds:0.0} s after the fault ({readiness.Between(faultAt, endedAt).Count(s => !s.Ready)} of {readiness.Between(faultAt, endedAt).Count} answers during it not ready), ready again {(readyAgain!.At - endedAt).TotalSeconds:0.0} s after it ended;
              POSTs {attempts.Count}: 202 {attempts.Count(a => a.Accepted)} ({acceptedDuring.Count} answered during the outage), 503 {attempts.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)}, transport errors {attempts.Count(a => a.Status is null)}; first 202 after the end {(attempts.Where(a => a.Accepted && a.StartedAt >= endedAt).Min(a => a.EndedAt) - endedAt).TotalSeconds:0.00} s
              e.g. {(readiness.Between(faultAt, endedAt) is [.., var last] ? last.Detail : "no answer")}
              after it: {string.Join(" | ", readiness.Between(endedAt, readyAgain.At).Select(s => s.Detail).Distinct().Take(4))}
            """));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mustBeFalse, Is.Not.Empty, "readiness answers during the outage");
            Assert.That(mustBeFalse.Where(s => s.Ready).Select(s => $"{(s.At - faultAt).TotalSeconds:0.0} s: {s.Detail}"), Is.Empty, "ready while orders could not be accepted");
            Assert.That(acceptedDuring, Is.Empty, "orders accepted during the outage (then readiness would have been right to say ready)");
        }

        AssertOnlyAcceptedOrUnavailable(attempts);
        Assert.That(await DroppedMessagesAsync() - droppedBefore, Is.Zero, "deliveries dropped in the client (orderhost_client_dropped_messages_total)");
        await AssertEverythingCompletedOnceAsync();
    }

    private OrderLoad Load(Stopwatch clock) => new OrderLoad(Host.Api, Workers) { Pace = Pace, Clock = clock, FailsPayment = _ => false }.Start();

    private void Remember(IEnumerable<LoadAttempt> attempts)
    {
        foreach (var attempt in attempts.Where(a => a.Accepted))
        {
            _accepted.Add(attempt.OrderId!.Value);
        }
    }

    /// <summary>Every order accepted so far in the fixture is stored once, paid once and notified once; nothing was dead-lettered.</summary>
    private async Task AssertEverythingCompletedOnceAsync()
    {
        var audit = await PipelineAudit.TakeSettledAsync(Broker, SettleTimeout);
        var deadLetters = (await Broker.JetStream.GetStreamAsync(BrokerProbe.DeadLetterStream)).Info.State?.Messages ?? 0;
        TestContext.Progress.WriteLine($"  {audit.Summary(_accepted)}; stored without a 202: {audit.CreatedByOrder.Keys.Except(_accepted).Count()}; dead letters {deadLetters}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_accepted.Where(id => audit.CreatedByOrder.GetValueOrDefault(id) != 1), Is.Empty, "accepted orders not stored exactly once");
            audit.AssertExactlyOnce(_accepted, "accepted orders");
            audit.AssertExactlyOnce([.. audit.CreatedByOrder.Keys], "stored orders");
            Assert.That(deadLetters, Is.Zero, "dead letters");
        }
    }

    private static void AssertOnlyAcceptedOrUnavailable(IEnumerable<LoadAttempt> attempts)
        => Assert.That(
            attempts.Where(a => !a.Accepted && a.Status is not null and not HttpStatusCode.ServiceUnavailable).Select(a => a.Error),
            Is.Empty,
            "answers other than 202 and 503");

    /// <summary>The node the host is connected to: the one whose proxy carries a connection.</summary>
    private ClusterNode HostNode()
    {
        var carrying = _proxies.Where(p => p.OpenConnections > 0).ToList();
        Assert.That(carrying, Has.Count.EqualTo(1), $"proxies with a connection: {string.Join(", ", _proxies.Select(p => p.OpenConnections))}");
        return NatsCluster.Nodes[_proxies.IndexOf(carrying[0])];
    }

    private int Index(ClusterNode node) => NatsCluster.Nodes.ToList().IndexOf(node);

    private Task MoveStreamLeaderAwayFromAsync(ClusterNode node)
        => StreamLeaders.MoveAwayFromAsync(Broker.JetStream, BrokerProbe.OrdersStream, node.Name, RecoveryTimeout);

    /// <summary>orderhost_client_dropped_messages_total over every series on /metrics (absent: none dropped yet).</summary>
    private async Task<double> DroppedMessagesAsync()
    {
        var metrics = await Host.Api.GetAsync("/metrics");
        return metrics.Body.Split('\n')
            .Where(l => l.StartsWith("orderhost_client_dropped_messages_total", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
