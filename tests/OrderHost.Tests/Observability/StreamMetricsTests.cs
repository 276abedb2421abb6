using System.Globalization;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Observability;

/// <summary>
/// The stream gauges on /metrics against a real server: the dead-letter stream, limited to 10 messages here, filled
/// to 9 and then to its limit, where it refuses more (discard new) and keeps its oldest, shows its use, every owned
/// stream and the server's own state are exported, and the alert rules fire on exactly those scraped numbers.
/// </summary>
[TestFixture]
public sealed class StreamMetricsTests : OrderHostFixture
{
    private const string DeadLetters = BrokerProbe.DeadLetterStream;
    private const int Limit = 10;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] OwnedStreams = [BrokerProbe.OrdersStream, DeadLetters, BrokerProbe.AdvisoryStream, "KV_idempotency-keys"];
    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Nats:DeadLetterStream:MaxMessages"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["Nats:StatsInterval"] = "00:00:00.200",
        ["Nats:MonitoringUrl"] = Server.MonitoringUrl,
    };

    [Test]
    public async Task A_stream_filled_past_80_percent_and_past_its_limit_shows_it_and_the_alerts_fire_on_those_numbers()
    {
        var api = Host.Api;
        Assert.That(await PublishDeadLettersAsync(9), Is.Zero, "dead letters refused below the limit");
        var nearlyFull = await Eventually.Until(
            api.ScrapeMetricsAsync,
            m => Stream(m, "orderhost_stream_messages") == 9 && Stream(m, "orderhost_stream_limit_messages") == Limit,
            $"orderhost_stream_messages{{stream=\"{DeadLetters}\"}} 9 of its limit {Limit}",
            Patience);

        Assert.That(await PublishDeadLettersAsync(5), Is.EqualTo(4), "dead letters refused past the limit");
        var full = await Eventually.Until(
            api.ScrapeMetricsAsync,
            m => Stream(m, "orderhost_stream_messages") == Limit && Stream(m, "orderhost_stream_first_sequence") == 1 && Stream(m, "orderhost_stream_last_sequence") == Limit,
            $"{DeadLetters} at its limit of {Limit} with nothing discarded (first sequence 1, last {Limit})",
            Patience);
        TestContext.Out.WriteLine(string.Join('\n', full.Where(s => s.Name.StartsWith("orderhost_stream", StringComparison.Ordinal) || s.Name.StartsWith("orderhost_nats_server", StringComparison.Ordinal))));

        using (Assert.EnterMultipleScope())
        {
            foreach (var stream in OwnedStreams)
            {
                Assert.That(Stream(full, "orderhost_stream_has_leader", stream), Is.EqualTo(1), $"{stream} has a leader");
                Assert.That(Stream(full, "orderhost_stream_replicas", stream), Is.EqualTo(1), $"{stream} replicas");
            }

            Assert.That(Stream(full, "orderhost_stream_limit_bytes"), Is.EqualTo(1L * 1024 * 1024 * 1024), "the dead-letter stream's default max_bytes");
            Assert.That(Stream(full, "orderhost_stream_discard_new"), Is.EqualTo(1), "the dead-letter stream refuses new messages when full");
            Assert.That(Stream(full, "orderhost_stream_discard_new", BrokerProbe.AdvisoryStream), Is.EqualTo(1), "so does the advisory stream");
            Assert.That(Stream(full, "orderhost_stream_discard_new", BrokerProbe.OrdersStream), Is.Zero, "the ledger drops its oldest");
            Assert.That(Stream(full, "orderhost_stream_limit_age_seconds"), Is.EqualTo(TimeSpan.FromDays(90).TotalSeconds), "its max_age");
            Assert.That(Stream(full, "orderhost_stream_bytes"), Is.GreaterThan(Stream(nearlyFull, "orderhost_stream_bytes") ?? double.MaxValue), "bytes grow with the stored messages");
            Assert.That(Stream(full, "orderhost_stream_first_age_seconds"), Is.InRange(0, Patience.TotalSeconds), "age of the oldest kept dead letter");
            Assert.That(Stream(full, "orderhost_stream_last_age_seconds"), Is.InRange(0, Patience.TotalSeconds), "time since the newest");
            Assert.That(Stream(full, "orderhost_stream_limit_messages", "KV_idempotency-keys"), Is.Null, "an unlimited bucket exports no limit");
            Assert.That(full.Where(s => s.Name == "orderhost_stream_replica_lag"), Is.Empty, "a single server has no follower replicas");

            var server = full.Where(s => s.Name.StartsWith("orderhost_nats_server_", StringComparison.Ordinal)).ToList();
            Assert.That(server.Select(s => s.Label("server")).Distinct().Count(), Is.EqualTo(1), "one server, by its server_name");
            Assert.That(full.Sum("orderhost_nats_server_connections"), Is.GreaterThanOrEqualTo(2), "the host's and the probe's connections");
            Assert.That(full.Sum("orderhost_nats_server_cluster_size"), Is.EqualTo(1), "not clustered");
            Assert.That(full.Sum("orderhost_nats_server_storage_used_bytes"), Is.GreaterThanOrEqualTo(Stream(full, "orderhost_stream_bytes") ?? double.MaxValue), "storage holds the dead letters");
            Assert.That(full.Sum("orderhost_nats_server_storage_reserved_bytes"), Is.GreaterThanOrEqualTo(1L * 1024 * 1024 * 1024), "reserved by the streams' max_bytes");
            Assert.That(full.Sum("orderhost_nats_server_storage_max_bytes"), Is.GreaterThan(0), "max_file_store");
        }

        // The alert rules over these very numbers: 9 of 10 held from minute 0, then full (refusing, not full) from minute 6.
        var nearly = StreamSeries(nearlyFull).ToDictionary(KeyOf, s => s.Value);
        var series = PromtoolRules.Hold(StreamSeries(full), s => string.Create(
            CultureInfo.InvariantCulture, $"{(nearly.TryGetValue(KeyOf(s), out var before) ? before : s.Value)}x5 {s.Value}x6"));
        await PromtoolRules.AssertFiringAsync(
            series,
            [
                (4, []),
                (5, [("OrderHostStreamNearLimit", DeadLetters)]),
                (6, [("OrderHostStreamNearLimit", DeadLetters), ("OrderHostStreamFull", DeadLetters)]),
            ]);
    }

    /// <summary>Publishes <paramref name="count"/> messages to the dead-letter stream; returns how many it refused for want of room.</summary>
    private async Task<int> PublishDeadLettersAsync(int count)
    {
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            var ack = await Broker.JetStream.PublishAsync($"dlq.orders.metrics-test", new byte[] { 1, 2, 3 });
            if (ack.Error is { } error)
            {
                Assert.That(error.Description, Does.Contain("maximum messages"), "the only refusal expected: the stream is full");
                refused++;
            }
        }

        return refused;
    }

    /// <summary>The stream gauges, with the values that change each scrape (ages) left out.</summary>
    private static IEnumerable<MetricSample> StreamSeries(IEnumerable<MetricSample> samples)
        => samples.Where(s => s.Name.StartsWith("orderhost_stream_", StringComparison.Ordinal)
            && (!s.Name.EndsWith("_age_seconds", StringComparison.Ordinal) || s.Name == "orderhost_stream_limit_age_seconds"));

    private static string KeyOf(MetricSample sample) => (sample with { Value = 0 }).ToString();

    private static double? Stream(IEnumerable<MetricSample> samples, string name, string stream = DeadLetters)
        => samples.Where(s => s.Name == name && s.Label("stream") == stream).Select(s => (double?)s.Value).FirstOrDefault();
}
