using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Cluster;

/// <summary>
/// On a 3-node cluster with three replicas per stream, a follower frozen with SIGSTOP falls behind while messages
/// are stored: the host's orderhost_stream_replica_lag for it rises and it is no longer current, the stream keeps
/// its leader; thawed, it catches up and the lag falls back to 0. The servers' own state arrives per server.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReplicaLagMetricsTests : ClusterHostFixture
{
    private const int Messages = 30;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A subject each stream stores that no consumer of the host reads.</summary>
    private static readonly (string Stream, string Subject)[] Probes =
    [
        (BrokerProbe.OrdersStream, "orders.metrics-probe.lag"),
        (BrokerProbe.DeadLetterStream, "dlq.orders.metrics-probe"),
        ("KV_idempotency-keys", "$KV.idempotency-keys.metrics-probe"),
    ];

    private static readonly string[] RunningNodes = ["n1", "n2"];

    // The host talks to n1 and n2 only, so freezing n3 never stalls its own connections.
    protected override string HostNatsUrl => string.Join(',', NatsCluster.Nodes.Take(2).Select(n => n.Url));

    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["Nats:StatsInterval"] = "00:00:00.250",
        ["Nats:MonitoringUrl"] = string.Join(',', NatsCluster.Nodes.Select(n => $"http://127.0.0.1:{n.MonitoringPort}")),
    };

    [Test]
    public async Task A_paused_follower_shows_as_a_rising_replica_lag_and_catches_up_to_zero()
    {
        var cluster = NatsCluster;
        var api = Host.Api;
        var paused = cluster.Node("n3");
        await using var broker = new BrokerProbe(cluster.Node("n1").Url);

        // A stream n3 follows: the first probe's leadership is moved off n3 if it has it.
        await StreamLeaders.MoveAwayFromAsync(broker.JetStream, Probes[0].Stream, paused.Name, Patience);
        (string Stream, string Subject)? probe = null;
        foreach (var candidate in Probes)
        {
            var info = (await broker.JetStream.GetStreamAsync(candidate.Stream)).Info;
            if (info.Cluster?.Leader is { Length: > 0 } leader && leader != paused.Name)
            {
                probe = candidate;
                break;
            }
        }

        Assert.That(probe, Is.Not.Null, $"{paused.Name} leads every probed stream");
        var (stream, subject) = probe!.Value;
        await Eventually.Until(api.ScrapeMetricsAsync, m => Lag(m, stream, paused.Name) == 0, $"{stream}'s replica on {paused.Name} reported with lag 0", Patience);

        PosixSignal.Pause(paused.ProcessId!.Value);
        try
        {
            for (var i = 0; i < Messages; i++)
            {
                var ack = await broker.JetStream.PublishAsync(subject, new byte[] { 1 });
                Assert.That(ack.Error, Is.Null, $"publishing to {stream} with {paused.Name} paused");
            }

            var behind = await Eventually.Until(
                api.ScrapeMetricsAsync,
                m => Lag(m, stream, paused.Name) >= Messages,
                $"orderhost_stream_replica_lag{{stream=\"{stream}\",server=\"{paused.Name}\"}} >= {Messages}",
                Patience);
            TestContext.Out.WriteLine(string.Join('\n', behind.Where(s => s.Name.StartsWith("orderhost_stream_replica", StringComparison.Ordinal) || s.Name.StartsWith("orderhost_nats_server", StringComparison.Ordinal))));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(Of(behind, "orderhost_stream_has_leader", stream), Is.EqualTo(1), $"{stream} keeps its leader");
                Assert.That(Of(behind, "orderhost_stream_replicas", stream), Is.EqualTo(3), $"{stream} replicas");
                Assert.That(
                    behind.Where(s => s.Name == "orderhost_nats_server_cluster_size").Select(s => s.Label("server")),
                    Is.SupersetOf(RunningNodes),
                    "the running servers report their state");
                Assert.That(behind.Where(s => s.Name == "orderhost_nats_server_cluster_size").Select(s => s.Value), Has.All.EqualTo(3), "cluster size");
            }
        }
        finally
        {
            PosixSignal.Resume(paused.ProcessId!.Value);
        }

        await Eventually.Until(
            api.ScrapeMetricsAsync,
            m => Lag(m, stream, paused.Name) == 0 && Current(m, stream, paused.Name) == 1,
            $"{stream}'s replica on {paused.Name} current again with lag 0",
            Patience);
    }

    private static double? Lag(IEnumerable<MetricSample> samples, string stream, string server)
        => Replica(samples, "orderhost_stream_replica_lag", stream, server);

    private static double? Current(IEnumerable<MetricSample> samples, string stream, string server)
        => Replica(samples, "orderhost_stream_replica_current", stream, server);

    private static double? Replica(IEnumerable<MetricSample> samples, string name, string stream, string server)
        => samples.Where(s => s.Name == name && s.Label("stream") == stream && s.Label("server") == server).Select(s => (double?)s.Value).FirstOrDefault();

    private static double? Of(IEnumerable<MetricSample> samples, string name, string stream)
        => samples.Where(s => s.Name == name && s.Label("stream") == stream).Select(s => (double?)s.Value).FirstOrDefault();
}
