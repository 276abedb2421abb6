using OrderHost.Host.Composition;
using OrderHost.Notifications;
using OrderHost.Orders;
using OrderHost.Payments;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Topology;

/// <summary>
/// The environment that turns one published build into a process of chosen modules of the module table
/// (<c>Modules__Enabled</c>, as the split compose services); nothing else differs.
/// </summary>
internal static class ModuleProcesses
{
    public const string Orders = OrdersModule.Name;
    public const string Payments = PaymentsModule.Name;
    public const string Notifications = NotificationsModule.Name;

    public static Dictionary<string, string?> Only(params string[] modules)
    {
        var unknown = modules.Except(ModuleTable.Shipped.Select(m => m.Name)).ToList();
        return unknown.Count == 0
            ? new() { ["Modules__Enabled"] = string.Join(',', modules) }
            : throw new ArgumentException($"Not in the module table: {string.Join(", ", unknown)}", nameof(modules));
    }

    /// <summary>Starts the processes side by side (each waits until ready) and returns them in the given order.</summary>
    public static async Task<PublishedHost[]> StartAsync(NatsServer server, params (string Name, string[] Modules)[] processes)
    {
        var starting = processes.Select(p => PublishedHost.StartAsync(server, p.Name, Only(p.Modules))).ToList();
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var host in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await host.Result.DisposeAsync();
            }

            throw;
        }
    }
}
