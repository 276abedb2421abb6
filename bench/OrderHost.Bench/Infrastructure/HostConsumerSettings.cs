using Microsoft.Extensions.Configuration;
using OrderHost.Messaging.Configuration;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The host's consumer settings as it would bind them in this environment: its defaults, overridden by
/// <c>Nats__Consumers__*</c> variables. The relays use them too, so a ratio compares like with like.
/// </summary>
internal static class HostConsumerSettings
{
    public static ConsumerDefaultsOptions Current { get; } = new ConfigurationBuilder().AddEnvironmentVariables().Build()
        .GetSection("Nats:Consumers").Get<ConsumerDefaultsOptions>() ?? new ConsumerDefaultsOptions();
}
