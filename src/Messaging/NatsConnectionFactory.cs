using NATS.NKeys;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;

namespace OrderHost.Messaging;

internal static class NatsConnectionFactory
{
    public static NatsConnection Create(NatsOptions options, string identity, NatsCredentialOptions? credentials, ILoggerFactory loggerFactory)
    {
        var shared = identity == MessagingIdentities.Default;
        return new NatsConnection(NatsOpts.Default with
        {
            Url = options.Url,
            Name = shared ? options.ClientName : $"{options.ClientName}-{identity.ToLowerInvariant()}",
            LoggerFactory = loggerFactory,
            AuthOpts = AuthFor(credentials),
            TlsOpts = TlsFor(options.Tls),

            // Each identity gets its own reply subjects, so a server permission can confine it to them.
            InboxPrefix = MessagingIdentities.InboxPrefixOf(identity),

            // Start even when the server is down; keep reconnecting for ever: readiness reports the gap.
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            PingInterval = options.PingInterval,
            MaxPingOut = options.MaxPingsOut,
            RequestTimeout = options.RequestTimeout,

            // Flush queued acks before the socket closes on dispose.
            DrainSubscriptionsOnDispose = true,
            ConsumerDrainOnDisposeTimeout = TimeSpan.FromSeconds(5),
        });
    }

    private static NatsAuthOpts AuthFor(NatsCredentialOptions? credentials)
    {
        if (credentials is null || credentials.IsEmpty)
        {
            return NatsAuthOpts.Default;
        }

        // The server needs the public key with the signature: derive it from the seed, also for a
        // seed-only file as `nk -gen user` writes it.
        var seed = credentials.NKeySeed ?? (credentials.NKeyFile is { } file ? SeedIn(file) : null);
        string? publicKey = null;
        if (seed is not null)
        {
            using var pair = KeyPair.FromSeed(seed);
            publicKey = pair.GetPublicKey();
        }

        return NatsAuthOpts.Default with
        {
            Username = credentials.User,
            Password = credentials.Password,
            Token = credentials.Token,
            Seed = seed,
            NKey = publicKey,
            CredsFile = credentials.CredsFile,
        };
    }

    private static string SeedIn(string file)
        => File.ReadLines(file).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("SU", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No user nkey seed (a line starting with SU) in {file}.");

    private static NatsTlsOpts TlsFor(NatsTlsOptions tls) => !tls.Enabled
        ? NatsTlsOpts.Default
        : NatsTlsOpts.Default with
        {
            Mode = TlsMode.Require,
            CaFile = tls.CaFile,
            CertFile = tls.CertFile,
            KeyFile = tls.KeyFile,
            ConfigureClientAuthentication = tls.ServerName is null
                ? null
                : auth =>
                {
                    auth.TargetHost = tls.ServerName;
                    return ValueTask.CompletedTask;
                },
        };
}
