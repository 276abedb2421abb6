using Microsoft.Extensions.Configuration;
using OrderHost.Messaging.Configuration;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The host's messaging settings as it would bind them in this environment: its defaults, overridden by
/// <c>Nats__*</c> variables. The relays use its consumer settings too, so a ratio compares like with like.
/// </summary>
internal static class HostSettings
{
    private static readonly NatsOptions Host = new ConfigurationBuilder().AddEnvironmentVariables().Build()
        .GetSection(NatsOptions.SectionName).Get<NatsOptions>() ?? new NatsOptions();

    public static ConsumerDefaultsOptions Consumers => Host.Consumers;
}
