using System.Text.Json;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Tests.Unit;

/// <summary>The server gauges' figures as parsed from a /varz answer, clustered or not.</summary>
[TestFixture]
public sealed class ServerStateTests
{
    [Test]
    public void Varz_gives_connections_storage_and_the_meta_group_size()
    {
        // Shapes as nats-server 2.12+ answers /varz (trimmed); "meta" appears only in a cluster.
        var clustered = Parse("""
            {"server_name":"n2","connections":7,"jetstream":{
              "config":{"max_storage":17179869184},
              "stats":{"storage":560,"reserved_storage":9730785280},
              "meta":{"leader":"n1","cluster_size":3}}}
            """);
        var single = Parse("""{"server_name":"a","connections":2,"jetstream":{"config":{"max_storage":10},"stats":{"storage":1,"reserved_storage":5}}}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(clustered, Is.EqualTo(new ServerState("n2", 7, 560, 9730785280, 17179869184, 3)));
            Assert.That(single.ClusterSize, Is.EqualTo(1), "not clustered");
            Assert.That(() => Parse("""{"server_name":"c","connections":0}"""), Throws.InvalidOperationException.With.Message.Contains("no JetStream"));
        }
    }

    private static ServerState Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ServerState.Parse(document.RootElement);
    }
}
