using System.Collections.Concurrent;
using NATS.Client.Core;
using OrderHost.Messaging.KeyValue;
using OrderHost.Tests.Infrastructure;
using Reply = OrderHost.Tests.Infrastructure.ScriptedDirectGetResponder.Reply;

namespace OrderHost.Tests.KeyValue;

/// <summary>
/// The batching itself: lookups made together share requests, no request exceeds its key limit,
/// failures are "cannot tell", and the lookup keeps working across a server restart.
/// </summary>
[TestFixture]
public sealed class BatchedKeyLookupTests() : KeyValueFixture("lookup-batching")
{
    private const string Scripted = "scripted";
    private readonly ConcurrentQueue<int> _requests = new();

    [SetUp]
    public void ForgetRequests() => _requests.Clear();

    [Test]
    public async Task Lookups_made_together_share_requests()
    {
        await using var lookup = Create(Bucket);
        var keys = Enumerable.Range(0, 200).Select(_ => NewKey()).ToArray();

        await Task.WhenAll(keys.Select(key => lookup.FindAsync(key, CancellationToken.None)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_requests.Sum(), Is.EqualTo(keys.Length), "keys asked for");
            Assert.That(_requests, Has.Count.LessThanOrEqualTo(keys.Length / 4), "requests sent");
        }
    }

    [Test]
    public async Task No_request_asks_for_more_keys_than_the_limit()
    {
        await using var lookup = Create(Bucket);
        var keys = Enumerable.Range(0, 3 * BatchedKeyLookup.MaxKeysPerRequest).Select(_ => NewKey()).ToArray();
        var existing = keys.Where((_, i) => i % 2 == 0).ToHashSet();
        foreach (var key in existing)
        {
            await Store.CreateAsync(key, new byte[] { 1 }, serializer: NatsRawSerializer<byte[]>.Default);
        }

        var answers = await Task.WhenAll(keys.Select(key => lookup.FindAsync(key, CancellationToken.None)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_requests, Has.All.LessThanOrEqualTo(BatchedKeyLookup.MaxKeysPerRequest), "keys per request");
            Assert.That(answers.Count(a => a is not null), Is.EqualTo(existing.Count), "found");
            Assert.That(answers.Where(a => a is not null).Select(a => a!.Key), Is.EquivalentTo(existing), "found keys");
        }
    }

    [Test]
    public async Task Lookups_of_several_keys_are_not_split_and_no_request_exceeds_the_limit()
    {
        await using var lookup = Create(Bucket);
        var groups = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 100).Select(_ => NewKey()).ToArray()).ToArray();
        var existing = groups.Select(g => g[0]).ToArray();
        foreach (var key in existing)
        {
            await Store.CreateAsync(key, new byte[] { 1 }, serializer: NatsRawSerializer<byte[]>.Default);
        }

        var answers = await Task.WhenAll(groups.Select(g => lookup.FindManyAsync(g, CancellationToken.None)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_requests, Has.All.LessThanOrEqualTo(BatchedKeyLookup.MaxKeysPerRequest), "keys per request");
            Assert.That(_requests.Sum(), Is.EqualTo(600), "keys asked for");
            Assert.That(answers.Select(a => a.Keys.Single()), Is.EqualTo(existing), "each group's one existing key");
        }
    }

    [Test]
    public async Task A_caller_that_stops_waiting_does_not_disturb_the_others()
    {
        var key = NewKey();
        var revision = await Store.PutAsync(key, new byte[] { 3 }, serializer: NatsRawSerializer<byte[]>.Default);
        await using var lookup = Create(Bucket);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var abandoned = lookup.FindAsync(NewKey(), cancelled.Token);
        var other = lookup.FindAsync(key, CancellationToken.None);

        Assert.That(async () => await abandoned, Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await other)?.Revision, Is.EqualTo(revision));
    }

    [Test]
    public async Task A_whole_answer_is_read_as_the_server_gives_it()
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(
            Server, Scripted, key => key == "present" ? [Reply.Entry(Scripted, key, 7, 0), Reply.EndOfBatch(0)] : [Reply.Status("404 No Results")]);
        await using var lookup = Create(Scripted);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await lookup.FindAsync("present", CancellationToken.None))?.Revision, Is.EqualTo(7UL), "an entry, then end of batch");
            Assert.That(await lookup.FindAsync("absent", CancellationToken.None), Is.Null, "no results");
        }
    }

    [TestCase("a load failing part-way", "entry pending 1", "404 Message Not Found")]
    [TestCase("no results after an entry", "entry pending 1", "404 No Results")]
    [TestCase("a lost reply", "entry pending 2", "entry pending 0", "eob")]
    [TestCase("an entry still pending at the end", "entry pending 1", "eob")]
    [TestCase("an end of batch with entries pending", "eob pending 1")]
    [TestCase("a bad request", "408 Bad Request")]
    [TestCase("an answer for a key not asked for", "other entry pending 0", "eob")]
    public async Task An_incomplete_or_failed_answer_is_an_error_not_a_missing_record(string what, params string[] replies)
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(Server, Scripted, key => [.. replies.Select(r => Parse(r, key))]);
        await using var lookup = Create(Scripted);

        // Not a 503: the scripted responder answered, and its answer was refused.
        Assert.That(
            async () => await lookup.FindAsync("asked", CancellationToken.None),
            Throws.InstanceOf<InvalidOperationException>().With.Message.Contains("cannot tell").And.Message.Not.Contains("503"),
            what);
    }

    [Test]
    public async Task No_end_of_batch_in_time_is_a_time_out_not_a_missing_record()
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(Server, Scripted, key => [Reply.Entry(Scripted, key, 5, 0)]);
        await using var lookup = Create(Scripted, timeout: TimeSpan.FromMilliseconds(500));

        Assert.That(async () => await lookup.FindAsync("asked", CancellationToken.None), Throws.InstanceOf<TimeoutException>());
    }

    [Test]
    public async Task Disposing_fails_the_lookups_in_flight()
    {
        await using var responder = await ScriptedDirectGetResponder.StartAsync(Server, Scripted, _ => []);
        var lookup = Create(Scripted, timeout: TimeSpan.FromMinutes(1));
        var inFlight = lookup.FindAsync("asked", CancellationToken.None);
        await Task.Delay(100);

        await lookup.DisposeAsync();

        Assert.That(async () => await inFlight.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task A_bucket_the_server_cannot_answer_for_throws_rather_than_reporting_no_record()
    {
        await using var lookup = Create("no-such-bucket");

        Assert.That(async () => await lookup.FindAsync("key", CancellationToken.None), Throws.InstanceOf<InvalidOperationException>().With.Message.Contains("503"));
    }

    [Test]
    public async Task Invalid_keys_are_refused_before_anything_is_sent()
    {
        await using var lookup = Create(Bucket);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(async () => await lookup.FindAsync("a.*", CancellationToken.None), Throws.ArgumentException);
            Assert.That(async () => await lookup.FindManyAsync(["ok", ".leading"], CancellationToken.None), Throws.ArgumentException);
            Assert.That(_requests, Is.Empty, "requests sent");
        }
    }

    [Test]
    public async Task A_disposed_lookup_refuses_new_lookups()
    {
        var lookup = Create(Bucket);
        Assert.That(await lookup.FindAsync(NewKey(), CancellationToken.None), Is.Null);

        await lookup.DisposeAsync();

        Assert.That(async () => await lookup.FindAsync(NewKey(), CancellationToken.None), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task Lookups_fail_while_the_server_is_down_and_work_again_after_it_restarts()
    {
        var key = NewKey();
        var revision = await Store.PutAsync(key, new byte[] { 7 }, serializer: NatsRawSerializer<byte[]>.Default);
        await using var lookup = Create(Bucket, timeout: TimeSpan.FromSeconds(1));
        Assert.That((await lookup.FindAsync(key, CancellationToken.None))?.Revision, Is.EqualTo(revision), "before the restart");

        await Server.StopAsync();
        try
        {
            Assert.That(async () => await lookup.FindAsync(key, CancellationToken.None), Throws.Exception, "while the server is down");
        }
        finally
        {
            await Server.StartAsync();
        }

        var after = await Eventually.Until(
            () => lookup.FindAsync(key, CancellationToken.None),
            found => found is not null,
            "the lookup answering again after the restart",
            TimeSpan.FromSeconds(20));
        Assert.That(after!.Revision, Is.EqualTo(revision), "after the restart");
    }

    private BatchedKeyLookup Create(string bucket, TimeSpan? timeout = null) => CreateBatched(bucket, timeout ?? TimeSpan.FromSeconds(5), _requests.Enqueue);

    private static Reply Parse(string reply, string askedKey) => reply.Split(' ') switch
    {
        ["entry", "pending", var n] => Reply.Entry(Scripted, askedKey, 5, ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        ["other", "entry", "pending", var n] => Reply.Entry(Scripted, "other", 5, ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        ["eob"] => Reply.EndOfBatch(0),
        ["eob", "pending", var n] => Reply.EndOfBatch(ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        _ => Reply.Status(reply),
    };
}
