using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Messaging.Connections;

/// <summary>
/// One NATS connection per identity that has its own credentials, one shared connection for the
/// rest. With per-module users the server enforces which subjects and consumers each module may
/// use; without them everything runs over a single connection.
/// </summary>
public sealed class NatsConnections(IOptions<NatsOptions> options, ILoggerFactory loggerFactory, ClientDropMetrics metrics) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Entry>> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every connection opened so far.</summary>
    public IEnumerable<INatsConnection> Open => _entries.Values.Where(e => e.IsValueCreated).Select(e => (INatsConnection)e.Value.Connection);

    public INatsConnection Connection(string identity) => EntryFor(identity).Connection;

    public INatsJSContext JetStream(string identity) => EntryFor(identity).JetStream;

    public INatsKVContext KeyValue(string identity) => EntryFor(identity).KeyValue;

    /// <summary>Completes each time the identity's connection is (re)established.</summary>
    public ReconnectSignal Reconnects(string identity) => EntryFor(identity).Reconnects;

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _entries.Values.Where(e => e.IsValueCreated))
        {
            await entry.Value.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Entry EntryFor(string identity)
    {
        var key = HasOwnCredentials(identity) ? identity : MessagingIdentities.Default;
        return _entries.GetOrAdd(key, k => new Lazy<Entry>(() => Create(k))).Value;
    }

    private bool HasOwnCredentials(string identity)
        => options.Value.Credentials.TryGetValue(identity, out var credentials) && !credentials.IsEmpty;

    private Entry Create(string identity)
    {
        var opts = options.Value;
        opts.Credentials.TryGetValue(identity, out var credentials);
        var connection = NatsConnectionFactory.Create(opts, identity, credentials, loggerFactory);
        ConnectionEventLog.Attach(connection, loggerFactory.CreateLogger("OrderHost.Messaging.Connection"), metrics);
        var jetStream = new NatsJSContext(connection, new NatsJSOpts(connection.Opts, requestTimeout: opts.RequestTimeout));
        return new Entry(connection, jetStream, new NatsKVContext(jetStream), ReconnectSignal.For(connection));
    }

    private sealed record Entry(NatsConnection Connection, NatsJSContext JetStream, NatsKVContext KeyValue, ReconnectSignal Reconnects);
}
