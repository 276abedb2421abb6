using NATS.Client.JetStream.Models;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>What the kernel provisions on the server: the limits operators expect and the Idempotency-Key lifetime the contract promises.</summary>
[TestFixture]
public sealed class TopologySettingsTests : OrderHostFixture
{
    private static readonly string[] OrdersSubjects = ["orders.>"];
    private static readonly string[] DeadLetterSubjects = ["dlq.orders.>"];
    private static readonly string[] AdvisorySubjects =
    [
        "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.*",
        "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.ORDERS.*",
    ];

    private static readonly string[] OnlyBucket = ["KV_idempotency-keys"];

    [Test]
    public async Task Orders_stream_has_the_configured_retention_limits_and_a_two_minute_duplicate_window()
    {
        var config = (await Broker.JetStream.GetStreamAsync(BrokerProbe.OrdersStream)).Info.Config;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Subjects, Is.EqualTo(OrdersSubjects));
            Assert.That(config.Storage, Is.EqualTo(StreamConfigStorage.File));
            Assert.That(config.Discard, Is.EqualTo(StreamConfigDiscard.Old));
            Assert.That(config.MaxAge, Is.EqualTo(TimeSpan.FromDays(30)));
            Assert.That(config.MaxMsgs, Is.EqualTo(10_000_000));
            Assert.That(config.MaxBytes, Is.EqualTo(8L * 1024 * 1024 * 1024));
            Assert.That(config.DuplicateWindow, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(config.AllowDirect, Is.True, "direct gets, for GET /orders/{id}");
        }
    }

    [Test]
    public async Task Idempotency_keys_live_at_least_24_hours_and_are_the_only_bucket()
    {
        var idempotency = (await Broker.JetStream.GetStreamAsync("KV_idempotency-keys")).Info.Config;
        var streams = new List<string>();
        await foreach (var name in Broker.JetStream.ListStreamNamesAsync())
        {
            streams.Add(name);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(idempotency.MaxAge, Is.GreaterThanOrEqualTo(TimeSpan.FromHours(24)));
            Assert.That(streams.Where(s => s.StartsWith("KV_", StringComparison.Ordinal)), Is.EqualTo(OnlyBucket), "buckets: no done-records beside the ledger");
        }
    }

    [Test]
    public async Task Dead_letters_and_advisories_have_their_own_streams_that_refuse_new_messages_when_full()
    {
        var dlq = (await Broker.JetStream.GetStreamAsync(BrokerProbe.DeadLetterStream)).Info.Config;
        var advisories = (await Broker.JetStream.GetStreamAsync(BrokerProbe.AdvisoryStream)).Info.Config;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dlq.Subjects, Is.EqualTo(DeadLetterSubjects));
            Assert.That(advisories.Subjects, Is.EquivalentTo(AdvisorySubjects));
            Assert.That(dlq.Discard, Is.EqualTo(StreamConfigDiscard.New), "the dead-letter stream keeps its unhandled entries when full");
            Assert.That(advisories.Discard, Is.EqualTo(StreamConfigDiscard.New), "the advisory stream keeps its unhandled advisories when full");
            Assert.That(advisories.MaxAge, Is.LessThanOrEqualTo(dlq.MaxAge), "advisories expire before the dead letters' markers");
        }
    }
}
