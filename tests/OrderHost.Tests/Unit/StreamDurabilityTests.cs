using System.Text.Json;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Tests.Unit;

/// <summary>The verdict rules: one replica and an fsync after the ack is at risk; so is a setting nobody could read.</summary>
[TestFixture]
public sealed class StreamDurabilityTests
{
    private static readonly ServerSync Lazy = new("n1", Always: false, TimeSpan.FromSeconds(1));
    private static readonly ServerSync Always = new("n1", Always: true, TimeSpan.FromMinutes(2));

    [Test]
    public void One_replica_on_a_server_that_fsyncs_periodically_is_at_risk()
    {
        var verdict = StreamDurability.Assess("ORDERS", 1, "n1", new ServerSyncReadout([Lazy], []));

        Assert.That(verdict.AtRisk, Is.True, verdict.Summary);
        Assert.That(verdict.Summary, Is.EqualTo("ORDERS has 1 replica, on n1, which fsyncs only every 1 s: a power loss loses what it acknowledged since its last fsync"));
    }

    [Test]
    public void One_replica_on_a_server_that_fsyncs_before_every_ack_is_not_at_risk()
    {
        var verdict = StreamDurability.Assess("ORDERS", 1, "n1", new ServerSyncReadout([Always], []));

        Assert.That(verdict.AtRisk, Is.False, verdict.Summary);
    }

    [Test]
    public void Three_replicas_are_not_at_risk_even_when_every_server_fsyncs_lazily_or_was_not_read()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(StreamDurability.Assess("ORDERS", 3, "n1", new ServerSyncReadout([Lazy], [])).AtRisk, Is.False);
            Assert.That(StreamDurability.Assess("ORDERS", 3, "n1", new ServerSyncReadout([], ["Nats:MonitoringUrl is empty"])).AtRisk, Is.False);
        }
    }

    [Test]
    public void One_replica_whose_server_could_not_be_read_is_at_risk_and_says_why()
    {
        var verdict = StreamDurability.Assess("ORDERS", 1, "n1", new ServerSyncReadout([], ["http://127.0.0.1:8222: Connection refused"]));

        Assert.That(verdict.AtRisk, Is.True);
        Assert.That(verdict.Summary, Does.Contain("could not be read (http://127.0.0.1:8222: Connection refused; Nats__MonitoringUrl names"));
    }

    [Test]
    public void A_monitoring_answer_from_another_server_is_not_taken_for_the_streams_server()
    {
        // E.g. the default 127.0.0.1:8222 answered, but it is not the server holding the stream.
        var verdict = StreamDurability.Assess("ORDERS", 1, "n2", new ServerSyncReadout([Always], []));

        Assert.That(verdict.AtRisk, Is.True);
        Assert.That(verdict.Summary, Does.Contain("answered for n1, not n2"));
    }

    [Test]
    public void Varz_is_read_for_the_server_name_and_its_fsync_setting()
    {
        // Shapes as nats-server 2.15.1 answers /varz (trimmed): sync_interval is in nanoseconds.
        var always = Parse("""{"server_name":"a","jetstream":{"config":{"sync_interval":120000000000,"sync_always":true}}}""");
        var lazy = Parse("""{"server_name":"b","jetstream":{"config":{"sync_interval":1000000000}}}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(always, Is.EqualTo(new ServerSync("a", Always: true, TimeSpan.FromMinutes(2))));
            Assert.That(lazy, Is.EqualTo(new ServerSync("b", Always: false, TimeSpan.FromSeconds(1))));
            Assert.That(() => Parse("""{"server_name":"c"}"""), Throws.InvalidOperationException.With.Message.Contains("no JetStream"));
        }
    }

    private static ServerSync Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ServerSyncReader.Parse(document.RootElement);
    }
}
