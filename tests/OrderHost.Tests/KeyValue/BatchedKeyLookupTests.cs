using System.Collections.Concurrent;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NATS.Net;
using OrderHost.Messaging.KeyValue;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.KeyValue;

/// <summary>
/// The batching itself: lookups made together share requests, no request exceeds its key limit,
/// failures are "cannot tell", and the lookup keeps working across a server restart.
/// </summary>
[TestFixture]
public sealed class BatchedKeyLookupTests : NatsServerFixture
{
    private const string Bucket = "lookup-batching";
    private readonly ConcurrentQueue<int> _requests = new();
    private NatsClient _client = null!;
    private INatsKVStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateBucketAsync()
    {
        _client = new NatsClient(Server.Url);
        _store = await _client.CreateKeyValueStoreContext().CreateStoreAsync(new NatsKVConfig(Bucket) { Storage = NatsKVStorageType.File });
    }

    [OneTimeTearDown]
    public async Task DisposeClientAsync() => await _client.DisposeAsync();

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
            await _store.CreateAsync(key, new byte[] { 1 }, serializer: NatsRawSerializer<byte[]>.Default);
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
        var revision = await _store.PutAsync(key, new byte[] { 7 }, serializer: NatsRawSerializer<byte[]>.Default);
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

    private BatchedKeyLookup Create(string bucket, TimeSpan? timeout = null)
    {
        var jetStream = new NatsJSContext((NatsConnection)_client.Connection);
        return new BatchedKeyLookup(_client.Connection, jetStream.Opts.Prefix, bucket, timeout ?? TimeSpan.FromSeconds(5), _requests.Enqueue);
    }

    private static string NewKey() => Guid.NewGuid().ToString("D");
}
