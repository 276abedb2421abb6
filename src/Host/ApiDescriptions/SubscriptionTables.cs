using OrderHost.Host.Composition;
using OrderHost.Messaging;
using OrderHost.Messaging.Consuming;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// Every module's subscription table, read from the modules' own registrations in a scratch container that is
/// never started: the AsyncAPI document then names every durable consumer whichever modules this process runs.
/// </summary>
internal static class SubscriptionTables
{
    public static IReadOnlyList<ConsumerDefinition> All()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMessaging(builder.Configuration);
        foreach (var module in ModuleTable.Shipped)
        {
            module.Register(builder);
        }

        using var services = builder.Services.BuildServiceProvider();
        return [.. services.GetServices<ConsumerDefinition>().OrderBy(c => c.DurableName, StringComparer.Ordinal)];
    }
}
