using OrderHost.Messaging.Ledger;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;
using Reply = OrderHost.Tests.Infrastructure.ScriptedDirectGetResponder.Reply;

namespace OrderHost.Tests.Ledger;

/// <summary>
/// A history read counts only when the answer is whole: the rare answers a real server gives (a load
/// failing part-way, a lost reply, silence) come from a scripted raw-protocol responder and must throw,
/// never read as "this step did not happen".
/// </summary>
[TestFixture]
public sealed class HistoryAnswerTests : NatsServerFixture
{
    private const string Scripted = "SCRIPTED";
    private static readonly Guid OrderId = Guid.Parse("0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d");
    private static readonly string Filter = $"orders.*.{OrderId:D}";
    private static readonly string Created = OrderEvents.Created.SubjectFor(OrderId);

    [Test]
    public async Task A_whole_answer_is_read_as_the_server_gives_it()
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(
            Server, Scripted, _ => [Reply.Entry(Scripted, Created, 7, 1), Reply.Entry(Scripted, PaymentEvents.Succeeded.SubjectFor(OrderId), 9, 0), Reply.EndOfBatch(0)]);

        var history = await Ledger().ReadLastPerSubjectAsync(Filter, CancellationToken.None);

        Assert.That(history.Select(e => (e.Subject, e.Sequence, e.StoredAt)), Is.EqualTo(new[]
        {
            (Created, 7UL, new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567)),
            (PaymentEvents.Succeeded.SubjectFor(OrderId), 9UL, new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567)),
        }));
    }

    [Test]
    public async Task No_results_is_an_empty_history()
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(Server, Scripted, _ => [Reply.Status("404 No Results")]);

        Assert.That(await Ledger().ReadLastPerSubjectAsync(Filter, CancellationToken.None), Is.Empty);
    }

    [TestCase("a load failing part-way", "entry pending 1", "404 Message Not Found")]
    [TestCase("no results after an entry", "entry pending 1", "404 No Results")]
    [TestCase("a lost reply", "entry pending 2", "entry pending 0", "eob")]
    [TestCase("an entry still pending at the end", "entry pending 1", "eob")]
    [TestCase("an end of batch with entries pending", "eob pending 1")]
    [TestCase("a bad request", "408 Bad Request")]
    [TestCase("an answer for another order", "other entry pending 0", "eob")]
    public async Task An_incomplete_or_failed_answer_is_an_error_not_a_missing_step(string what, params string[] replies)
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(Server, Scripted, _ => [.. replies.Select(Parse)]);

        Assert.That(
            async () => await Ledger().ReadLastPerSubjectAsync(Filter, CancellationToken.None),
            Throws.InstanceOf<InvalidOperationException>().With.Message.Contains("cannot tell"),
            what);
    }

    [Test]
    public async Task No_end_of_batch_in_time_is_a_time_out_not_a_missing_step()
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(Server, Scripted, _ => [Reply.Entry(Scripted, Created, 5, 0)]);

        Assert.That(
            async () => await Ledger(TimeSpan.FromMilliseconds(500)).ReadLastPerSubjectAsync(Filter, CancellationToken.None),
            Throws.InstanceOf<TimeoutException>());
    }

    private JetStreamLedger Ledger(TimeSpan? timeout = null) => new(Broker.JetStream, Scripted, timeout ?? TimeSpan.FromSeconds(5));

    private static Reply Parse(string reply) => reply.Split(' ') switch
    {
        ["entry", "pending", var n] => Reply.Entry(Scripted, Created, 3, ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        ["other", "entry", "pending", var n] => Reply.Entry(Scripted, OrderEvents.Created.SubjectFor(Guid.CreateVersion7()), 3, ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        ["eob"] => Reply.EndOfBatch(0),
        ["eob", "pending", var n] => Reply.EndOfBatch(ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        _ => Reply.Status(reply),
    };
}
