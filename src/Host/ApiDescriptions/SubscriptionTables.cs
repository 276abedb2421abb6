using OrderHost.Host.Composition;
using OrderHost.Messaging.Consuming;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// What the shipped modules declare (read once from the module table): the events each sends and every durable
/// consumer, so the AsyncAPI document and the console name them all whichever modules this process runs.
/// </summary>
internal static class SubscriptionTables
{
    private static readonly Lazy<ModuleDeclarations> Shipped = new(() => ModuleDeclarations.Of(ModuleTable.Shipped));

    /// <summary>Which module sends which event, in the module table's order.</summary>
    public static IReadOnlyList<PublishedEvent> Events()
        => [.. Shipped.Value.Publications.Select(p => PublishedEvent.Of(p.Event, p.Module, Shipped.Value.Ledger))];

    public static IReadOnlyList<ConsumerDefinition> All()
        => [.. Shipped.Value.Consumers.OrderBy(c => c.DurableName, StringComparer.Ordinal)];
}
