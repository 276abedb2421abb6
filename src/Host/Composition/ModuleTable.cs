using OrderHost.Messaging.Ledger;
using OrderHost.Notifications;
using OrderHost.Orders;
using OrderHost.Orders.Contracts;
using OrderHost.Payments;

namespace OrderHost.Host.Composition;

/// <summary>
/// The modules this host ships, listed once. Toggles, the architecture and schema tests, the generated NATS
/// permissions and the split deployment all read this table.
/// </summary>
public static class ModuleTable
{
    /// <summary>The ledger the modules share; the messaging kernel provisions and serves it.</summary>
    public static LedgerDefinition Ledger => OrderLedger.Definition;

    public static IReadOnlyList<HostedModule> Shipped { get; } =
    [
        new(OrdersModule.Name, typeof(OrdersModule).Assembly, b => b.AddOrdersModule(), MapsEndpoints: true),
        new(PaymentsModule.Name, typeof(PaymentsModule).Assembly, b => b.AddPaymentsModule()),
        new(NotificationsModule.Name, typeof(NotificationsModule).Assembly, b => b.AddNotificationsModule()),
    ];
}
