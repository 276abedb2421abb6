using OrderHost.Host.Composition;
using OrderHost.Messaging.Consuming;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// Every shipped module's subscription table, from the module table's declarations: the AsyncAPI document then names
/// every durable consumer whichever modules this process runs.
/// </summary>
internal static class SubscriptionTables
{
    public static IReadOnlyList<ConsumerDefinition> All()
        => [.. ModuleDeclarations.Of(ModuleTable.Shipped).Consumers.OrderBy(c => c.DurableName, StringComparer.Ordinal)];
}
