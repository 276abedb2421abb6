using Microsoft.Extensions.Configuration;
using OrderHost.Messaging.Configuration;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The host's consumer settings as it would bind them in this environment: its defaults, overridden by
/// <c>Nats__Consumers__*</c> variables (and <c>Nats__BatchKeyLookups</c>). The relays use them too, so a
/// ratio compares like with like.
/// </summary>
internal static class HostConsumerSettings
{
    private static readonly NatsOptions Host = new ConfigurationBuilder().AddEnvironmentVariables().Build()
        .GetSection(NatsOptions.SectionName).Get<NatsOptions>() ?? new NatsOptions();

    public static ConsumerDefaultsOptions Current => Host.Consumers;

    /// <summary>Whether the host batches its record lookups; the guarded relay does as the host does.</summary>
    public static bool BatchKeyLookups => Host.BatchKeyLookups;
}
