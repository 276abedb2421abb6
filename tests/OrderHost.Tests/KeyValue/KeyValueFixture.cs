using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NATS.Net;
using OrderHost.Messaging.KeyValue;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.KeyValue;

/// <summary>A fixture's server with one bucket of its own and the test's client to fill it and look it up.</summary>
public abstract class KeyValueFixture(string bucket) : NatsServerFixture
{
    protected string Bucket { get; } = bucket;

    protected NatsClient Client { get; private set; } = null!;

    protected INatsKVStore Store { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateBucketAsync()
    {
        Client = new NatsClient(Server.Url);
        Store = await Client.CreateKeyValueStoreContext().CreateStoreAsync(new NatsKVConfig(Bucket) { Storage = NatsKVStorageType.File });
    }

    [OneTimeTearDown]
    public async Task DisposeClientAsync() => await Client.DisposeAsync();

    protected BatchedKeyLookup CreateBatched(string bucket, TimeSpan timeout, Action<int>? onRequest = null)
        => new(Client.Connection, new NatsJSContext((NatsConnection)Client.Connection).Opts.Prefix, bucket, timeout, onRequest);

    protected static string NewKey() => Guid.NewGuid().ToString("D");
}
