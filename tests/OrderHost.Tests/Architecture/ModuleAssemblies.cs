using System.Reflection;
using OrderHost.Host;
using OrderHost.Host.Composition;
using OrderHost.Messaging.Events;
using OrderHost.Notifications;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders;
using OrderHost.Orders.Contracts;
using OrderHost.Payments;
using OrderHost.Payments.Contracts;

namespace OrderHost.Tests.Architecture;

/// <summary>The compiled assemblies the architecture rules talk about.</summary>
public static class ModuleAssemblies
{
    public static readonly Assembly Messaging = typeof(EventCodec).Assembly;
    public static readonly Assembly Orders = typeof(OrdersModule).Assembly;
    public static readonly Assembly Payments = typeof(PaymentsModule).Assembly;
    public static readonly Assembly Notifications = typeof(NotificationsModule).Assembly;
    public static readonly Assembly OrdersContracts = typeof(OrderCreated).Assembly;
    public static readonly Assembly PaymentsContracts = typeof(PaymentSucceeded).Assembly;
    public static readonly Assembly NotificationsContracts = typeof(CustomerNotified).Assembly;
    public static readonly Assembly Host = typeof(OrderHostApplication).Assembly;

    /// <summary>Every module of the module table: a module added there is checked without being listed here.</summary>
    public static readonly IReadOnlyList<Assembly> Modules = [.. ModuleTable.Shipped.Select(m => m.Assembly)];

    /// <summary>Each module's contracts, <c>{module assembly}.Contracts</c>.</summary>
    public static readonly IReadOnlyList<Assembly> Contracts = [.. Modules.Select(m => Assembly.Load(ContractsNameOf(m)))];

    public static string ContractsNameOf(Assembly module) => NameOf(module) + ".Contracts";

    public static string NameOf(Assembly assembly) => assembly.GetName().Name!;
}
