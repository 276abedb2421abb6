using System.Reflection;
using OrderHost.Notifications;
using OrderHost.Orders;
using OrderHost.Payments;

namespace OrderHost.Host.Composition;

/// <summary>Adds the enabled modules; returns the assemblies whose HTTP endpoints must be mapped.</summary>
internal static class ModuleComposition
{
    public static IReadOnlyList<Assembly> AddEnabledModules(this WebApplicationBuilder builder)
    {
        var endpointAssemblies = new List<Assembly>();
        var configuration = builder.Configuration;
        if (ModuleToggles.IsEnabled(configuration, OrdersModule.Name))
        {
            builder.AddOrdersModule();
            endpointAssemblies.Add(typeof(OrdersModule).Assembly);
        }

        if (ModuleToggles.IsEnabled(configuration, PaymentsModule.Name))
        {
            builder.AddPaymentsModule();
        }

        if (ModuleToggles.IsEnabled(configuration, NotificationsModule.Name))
        {
            builder.AddNotificationsModule();
        }

        return endpointAssemblies;
    }
}
