using OrderHost.Messaging.Configuration;

namespace OrderHost.Messaging;

internal static class NatsConnectionFactory
{
    public static NatsConnection Create(NatsOptions options, ILoggerFactory loggerFactory) => new(NatsOpts.Default with
    {
        Url = options.Url,
        Name = options.ClientName,
        LoggerFactory = loggerFactory,

        // Start even when the server is down; keep reconnecting for ever: readiness reports the gap.
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
        ReconnectWaitMax = TimeSpan.FromSeconds(2),
        PingInterval = options.PingInterval,
        RequestTimeout = options.RequestTimeout,

        // Flush queued acks before the socket closes on dispose.
        DrainSubscriptionsOnDispose = true,
        ConsumerDrainOnDisposeTimeout = TimeSpan.FromSeconds(5),
    });
}
