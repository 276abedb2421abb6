using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using OrderHost.Messaging.Ledger;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// A dead letter is written at most once per original message, ever: a termination advisory handled
/// long after the dead-letter stream's duplicate window (1 s here instead of 2 minutes) finds the entry
/// it would write, or the marker a replay or delete left, and writes nothing. And a dead-letter stream
/// that is full refuses the entry (discard new) instead of dropping an older one: the message stays with
/// its consumer, is retried, and is dead-lettered once there is room.
/// </summary>
[TestFixture]
public sealed class DeadLetterOnceTests : OrderHostFixture
{
    private const string ApiKey = "dead-letter-once-key";
    private const string AdvisoryConsumer = "dead-letter-advisories";
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Admin:ApiKey"] = ApiKey,
        ["Nats:DeadLetterStream:DuplicateWindow"] = DuplicateWindow.ToString("c", CultureInfo.InvariantCulture),
    };

    [Test]
    public async Task A_termination_advisory_handled_after_the_duplicate_window_leaves_one_entry()
    {
        var (sequence, _) = await PoisonAsync();
        await AdvisoryAfterTheWindowAsync(sequence);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await EntriesForAsync(sequence), Is.EqualTo(1), "entries of the message after a late advisory");
            Assert.That(await Broker.CountAsync(DeadLetterSubject.Key(sequence), BrokerProbe.DeadLetterStream), Is.EqualTo(1UL), "messages stored under its sequence");
        }
    }

    [Test]
    public async Task A_deleted_entry_is_not_written_again_by_a_late_advisory()
    {
        var (sequence, entry) = await PoisonAsync();
        var deleted = await Admin.DeleteDeadLetterAsync(entry, ApiKey);
        Assert.That(deleted.Status, Is.EqualTo(HttpStatusCode.NoContent), deleted.ToString());

        await AdvisoryAfterTheWindowAsync(sequence);

        var again = await Admin.GetDeadLetterAsync(entry, ApiKey);
        var deletedAgain = await Admin.DeleteDeadLetterAsync(entry, ApiKey);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await EntriesForAsync(sequence), Is.Zero, "entries of the message after the delete and a late advisory");
            Assert.That(await Broker.CountAsync(DeadLetterSubject.Key(sequence), BrokerProbe.DeadLetterStream), Is.EqualTo(1UL), "what is stored under its sequence: the settled marker the delete left");
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.NotFound), $"the deleted entry: {again}");
            Assert.That(deletedAgain.Status, Is.EqualTo(HttpStatusCode.NotFound), $"a second delete: {deletedAgain}");
            Assert.That(await ListedSequencesAsync(), Does.Not.Contain(entry), "listed entries");
        }
    }

    [Test]
    public async Task A_replayed_entry_is_not_written_again_by_a_late_advisory()
    {
        var (sequence, entry) = await PoisonAsync();
        var subject = (await Broker.ReadMessagesAsync(">", BrokerProbe.DeadLetterStream)).First(m => m.Sequence == entry).Header("OrderHost-Dlq-Subject")!;
        var replay = await Admin.ReplayDeadLetterAsync(entry, ApiKey);
        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.Accepted), replay.ToString());

        // The replayed copy is poison too: it is dead-lettered under its own, new sequence.
        var copies = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(subject)).Select(m => m.Sequence).Where(s => s > sequence).ToList(),
            list => list.Count == 1,
            "the replayed copy in the ledger",
            Patience);
        await Eventually.Until(() => EntriesForAsync(copies[0]), n => n == 1, "the entry of the replayed copy", Patience);

        await AdvisoryAfterTheWindowAsync(sequence);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await EntriesForAsync(sequence), Is.Zero, "entries of the replayed message after a late advisory");
            Assert.That(await EntriesForAsync(copies[0]), Is.EqualTo(1), "entries of the replayed copy");
            Assert.That(await Broker.CountAsync(DeadLetterSubject.Key(sequence), BrokerProbe.DeadLetterStream), Is.EqualTo(1UL), "what is stored under its sequence: the settled marker the replay left");
            Assert.That(await ListedSequencesAsync(), Does.Not.Contain(entry), "listed entries");
        }
    }

    [Test]
    public async Task A_full_dead_letter_stream_refuses_the_entry_and_the_message_is_dead_lettered_once_there_is_room()
    {
        // One entry at least, so that the limit below is a number of messages (0 would mean no limit).
        await PoisonAsync();
        var stream = await Broker.JetStream.GetStreamAsync(BrokerProbe.DeadLetterStream);
        var stored = stream.Info.State.Messages;
        await Broker.JetStream.UpdateStreamAsync(stream.Info.Config with { MaxMsgs = stored });
        try
        {
            var sequence = await PublishPoisonAsync();
            await Eventually.Until(
                async () => await Broker.FindConsumerAsync(PaymentConsumers.Processor),
                c => c is { NumRedelivered: > 0 },
                "the poison message redelivered to its consumer while the dead-letter stream refuses its entry",
                Patience);
            var metrics = await Host.Api.ScrapeMetricsAsync();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(await EntriesForAsync(sequence), Is.Zero, "entries while the stream is full");
                Assert.That((await Broker.JetStream.GetStreamAsync(BrokerProbe.DeadLetterStream)).Info.State.Messages, Is.EqualTo(stored), "nothing older was dropped to make room");
                Assert.That(metrics.Sum("orderhost_dead_letters_refused_total"), Is.GreaterThan(0), "orderhost_dead_letters_refused_total");
            }

            await Broker.JetStream.UpdateStreamAsync(stream.Info.Config with { MaxMsgs = stored + 10 });
            await Eventually.Until(() => EntriesForAsync(sequence), n => n == 1, "the entry once there is room", Patience);
            await Eventually.True(
                async () => await Broker.FindConsumerAsync(PaymentConsumers.Processor) is { NumAckPending: 0 },
                "the consumer to have settled the poison message",
                Patience);
        }
        finally
        {
            await Broker.JetStream.UpdateStreamAsync(stream.Info.Config);
        }
    }

    /// <summary>Publishes a malformed orders.created and waits for its entry; returns its stream sequence and the entry's.</summary>
    private async Task<(ulong Sequence, ulong Entry)> PoisonAsync()
    {
        var sequence = await PublishPoisonAsync();
        var entry = await Eventually.Until(
            async () => (await Broker.ReadMessagesAsync(DeadLetterSubject.EntriesOf(sequence), BrokerProbe.DeadLetterStream)).SingleOrDefault(),
            m => m is not null,
            $"the dead letter of stream sequence {sequence}",
            Patience);
        await AdvisoriesHandledAsync();
        return (sequence, entry!.Sequence);
    }

    private async Task<ulong> PublishPoisonAsync()
    {
        var ack = await Broker.JetStream.PublishAsync(
            LedgerSubjects.For(PipelineAudit.Created, Guid.CreateVersion7()),
            Encoding.UTF8.GetBytes($"{{\"version\":2, not json {Guid.NewGuid():N}"),
            NatsRawSerializer<byte[]>.Default,
            new NatsJSPubOpts { MsgId = $"poison-{Guid.NewGuid():N}" });
        Assert.That(ack.Error, Is.Null, "publishing the poison message");
        return ack.Seq;
    }

    /// <summary>
    /// Lets the duplicate window pass, then stores a termination advisory for the message as the server
    /// words it (a late copy: the server's own was handled already) and waits until it is handled.
    /// </summary>
    private async Task AdvisoryAfterTheWindowAsync(ulong sequence)
    {
        // Waiting out the window is the point of the test: the message id alone no longer protects the entry.
        await Task.Delay(DuplicateWindow + TimeSpan.FromMilliseconds(500));
        var advisory = new JsonObject
        {
            ["type"] = "io.nats.jetstream.advisory.v1.terminated",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["stream"] = BrokerProbe.OrdersStream,
            ["consumer"] = PaymentConsumers.Processor,
            ["consumer_seq"] = 1,
            ["stream_seq"] = sequence,
            ["deliveries"] = 1,
            ["reason"] = "late copy",
        };
        var ack = await Broker.JetStream.PublishAsync(
            $"$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.{BrokerProbe.OrdersStream}.{PaymentConsumers.Processor}",
            Encoding.UTF8.GetBytes(advisory.ToJsonString()),
            NatsRawSerializer<byte[]>.Default);
        Assert.That(ack.Error, Is.Null, "storing the late advisory");
        Assert.That(ack.Stream, Is.EqualTo(BrokerProbe.AdvisoryStream), "the stream that captured it");
        await AdvisoriesHandledAsync(ack.Seq);
    }

    /// <summary>Waits until the advisory worker has acknowledged every advisory up to <paramref name="upTo"/> (or all stored).</summary>
    private async Task AdvisoriesHandledAsync(ulong? upTo = null)
    {
        var last = upTo ?? (await Broker.JetStream.GetStreamAsync(BrokerProbe.AdvisoryStream)).Info.State.LastSeq;
        await Eventually.True(
            async () => (await Broker.JetStream.GetConsumerAsync(BrokerProbe.AdvisoryStream, AdvisoryConsumer)).Info is { NumAckPending: 0 } info && info.AckFloor.StreamSeq >= last,
            $"the advisory worker to have handled advisories up to {last}",
            Patience);
    }

    private async Task<int> EntriesForAsync(ulong sequence)
        => (int)await Broker.CountAsync(DeadLetterSubject.EntriesOf(sequence), BrokerProbe.DeadLetterStream);

    private async Task<IReadOnlyList<ulong>> ListedSequencesAsync()
    {
        var page = await Admin.ListDeadLettersAsync(ApiKey);
        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), page.ToString());
        return [.. page.Json().GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetUInt64())];
    }
}
