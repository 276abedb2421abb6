using System.Text;
using NATS.Client.Core;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Tests.KeyValue;

/// <summary>
/// What every key lookup promises, batched or not: the current value and revision of a key, nothing
/// for a missing, deleted or purged one, and an exception (never "nothing") when the server cannot tell.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class KeyLookupTests(bool batched) : KeyValueFixture("lookup-contract")
{
    private IKeyLookup _lookup = null!;

    [OneTimeSetUp]
    public void CreateLookup()
        => _lookup = batched ? CreateBatched(Bucket, TimeSpan.FromSeconds(5)) : new SingleKeyLookup(Store);

    [OneTimeTearDown]
    public async Task DisposeLookupAsync()
    {
        if (_lookup is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Test]
    public async Task An_existing_key_comes_back_with_its_value_and_revision()
    {
        var key = NewKey();
        await Store.PutAsync(key, "first"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);
        var revision = await Store.PutAsync(key, "second"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);

        var found = await _lookup.FindAsync(key, CancellationToken.None);

        Assert.That(found, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found!.Key, Is.EqualTo(key));
            Assert.That(Encoding.UTF8.GetString(found.Value), Is.EqualTo("second"));
            Assert.That(found.Revision, Is.EqualTo(revision));
        }
    }

    [Test]
    public async Task Missing_deleted_and_purged_keys_are_not_found()
    {
        var (deleted, purged) = (NewKey(), NewKey());
        await Store.PutAsync(deleted, "x"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);
        await Store.PutAsync(purged, "x"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);
        await Store.DeleteAsync(deleted);
        await Store.PurgeAsync(purged);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _lookup.FindAsync(NewKey(), CancellationToken.None), Is.Null, "never written");
            Assert.That(await _lookup.FindAsync(deleted, CancellationToken.None), Is.Null, "deleted");
            Assert.That(await _lookup.FindAsync(purged, CancellationToken.None), Is.Null, "purged");
        }
    }

    [Test]
    public async Task Several_keys_at_once_return_exactly_those_that_exist()
    {
        var (a, b, gone, never) = (NewKey(), NewKey(), NewKey(), NewKey());
        var revisionA = await Store.PutAsync(a, "a"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);
        var revisionB = await Store.PutAsync(b, "b"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);
        await Store.PutAsync(gone, "g"u8.ToArray(), serializer: NatsRawSerializer<byte[]>.Default);
        await Store.DeleteAsync(gone);

        var found = await _lookup.FindManyAsync([a, b, gone, never, a], CancellationToken.None);

        Assert.That(found.Keys, Is.EquivalentTo(new[] { a, b }));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found[a].Revision, Is.EqualTo(revisionA));
            Assert.That(found[b].Revision, Is.EqualTo(revisionB));
            Assert.That(Encoding.UTF8.GetString(found[b].Value), Is.EqualTo("b"));
        }
    }

    [Test]
    public async Task Many_lookups_at_once_each_get_their_own_answer()
    {
        var keys = Enumerable.Range(0, 600).Select(_ => NewKey()).ToArray();
        var written = new Dictionary<string, ulong>();
        foreach (var key in keys.Where((_, i) => i % 3 == 0))
        {
            written[key] = await Store.PutAsync(key, Encoding.UTF8.GetBytes(key), serializer: NatsRawSerializer<byte[]>.Default);
        }

        var answers = await Task.WhenAll(keys.Select(key => _lookup.FindAsync(key, CancellationToken.None)));

        for (var i = 0; i < keys.Length; i++)
        {
            if (written.TryGetValue(keys[i], out var revision))
            {
                Assert.That(answers[i]?.Revision, Is.EqualTo(revision), $"lookup {i} (exists)");
                Assert.That(Encoding.UTF8.GetString(answers[i]!.Value), Is.EqualTo(keys[i]), $"lookup {i} value");
            }
            else
            {
                Assert.That(answers[i], Is.Null, $"lookup {i} (missing)");
            }
        }
    }

}
