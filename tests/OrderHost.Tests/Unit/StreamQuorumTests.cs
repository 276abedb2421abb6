using NATS.Client.JetStream.Models;
using OrderHost.Host.Health;

namespace OrderHost.Tests.Unit;

/// <summary>Readiness's quorum rule: a leader, and a majority of replicas (the leader counts) online and heard from lately.</summary>
[TestFixture]
public sealed class StreamQuorumTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);

    [Test]
    public void A_single_replica_stream_needs_only_its_leader()
        => Assert.That(StreamQuorum.Problem(Info(leader: "n1"), Limit), Is.Null);

    [Test]
    public void Three_replicas_all_heard_from_have_a_quorum()
        => Assert.That(StreamQuorum.Problem(Info("n1", Peer("n2", 0.2), Peer("n3", 0.9)), Limit), Is.Null);

    [Test]
    public void One_silent_follower_of_three_leaves_a_quorum()
        => Assert.That(StreamQuorum.Problem(Info("n1", Peer("n2", 0.2), Peer("n3", 12)), Limit), Is.Null);

    [Test]
    public void Two_silent_followers_of_three_leave_no_quorum()
        => Assert.That(
            StreamQuorum.Problem(Info("n1", Peer("n2", 4), Peer("n3", 0.1, offline: true)), Limit),
            Is.EqualTo("only 1 of 3 replicas answer its leader n1 (n2 silent for 4 s, n3 offline); 2 are needed"));

    [Test]
    public void No_leader_is_no_quorum()
        => Assert.That(StreamQuorum.Problem(Info("", Peer("n2", 0.1), Peer("n3", 0.1)), Limit), Is.EqualTo("it has no leader"));

    private static StreamInfo Info(string leader, params PeerInfo[] followers) => new()
    {
        Config = new StreamConfig("ORDERS", ["orders.>"]),
        Created = DateTimeOffset.UnixEpoch,
        State = new StreamState(),
        Cluster = new ClusterInfo { Leader = leader, Replicas = followers },
    };

    private static PeerInfo Peer(string name, double activeSeconds, bool offline = false)
        => new() { Name = name, Active = TimeSpan.FromSeconds(activeSeconds), Offline = offline, Current = !offline };
}
