using System.Collections.Concurrent;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The test's own NATS connection as one particular user (as another program with those credentials
/// would connect), remembering every <c>-ERR</c> the server sent it (permission violations arrive that way).
/// </summary>
public sealed class SecureNatsClient : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _serverErrors = new();

    private SecureNatsClient(NatsConnection connection)
    {
        Connection = connection;
        JetStream = new NatsJSContext(connection);
        KeyValue = new NatsKVContext(JetStream);
        connection.ServerError += (_, e) =>
        {
            _serverErrors.Enqueue(e.Error);
            return ValueTask.CompletedTask;
        };
    }

    public NatsConnection Connection { get; }

    public INatsJSContext JetStream { get; }

    public INatsKVContext KeyValue { get; }

    public IReadOnlyList<string> ServerErrors => [.. _serverErrors];

    /// <summary>
    /// Connects as <paramref name="user"/>. <paramref name="inboxPrefix"/> should be the user's own
    /// (<c>_INBOX_payments</c> …) so that a refused operation is refused for what it does, not for its reply subject.
    /// </summary>
    public static async Task<SecureNatsClient> ConnectAsync(
        string url, NatsAuthOpts auth, string inboxPrefix = "_INBOX", NatsTlsOpts? tls = null, TimeSpan? requestTimeout = null)
    {
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "orderhost-tests-secure-client",
            AuthOpts = auth,
            TlsOpts = tls ?? NatsTlsOpts.Default,
            InboxPrefix = inboxPrefix,
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxReconnectRetry = 0,
        });
        var client = new SecureNatsClient(connection);
        try
        {
            await connection.ConnectAsync();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    public static Task<SecureNatsClient> ConnectAsUserAsync(string url, string user, string password, string inboxPrefix = "_INBOX")
        => ConnectAsync(url, NatsAuthOpts.Default with { Username = user, Password = password }, inboxPrefix);

    /// <summary>Waits until the server reported an error containing <paramref name="fragment"/> and returns it.</summary>
    public async Task<string> WaitForServerErrorAsync(string fragment, TimeSpan? timeout = null)
    {
        var errors = await Eventually.Until(
            () => Task.FromResult(ServerErrors),
            list => list.Any(e => e.Contains(fragment, StringComparison.Ordinal)),
            $"a -ERR from the server containing '{fragment}'",
            timeout);
        return errors.First(e => e.Contains(fragment, StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
