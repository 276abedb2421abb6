using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging;
using OrderHost.Messaging.Configuration;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

/// <summary>The <see cref="NatsOptions"/> the kernel ends up with for the orders ledger and these configuration values.</summary>
internal static class BoundNatsOptions
{
    public static NatsOptions From(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMessaging(configuration, OrderLedger.Definition);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<NatsOptions>>().Value;
    }
}
