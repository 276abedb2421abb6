using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Topology;

/// <summary>The environment that turns one published build into a process of chosen modules; nothing else differs.</summary>
internal static class ModuleProcesses
{
    public const string Orders = "Orders";
    public const string Payments = "Payments";
    public const string Notifications = "Notifications";
    private static readonly string[] All = [Orders, Payments, Notifications];

    public static Dictionary<string, string?> Only(params string[] modules)
        => All.ToDictionary(m => $"Modules__{m}__Enabled", m => (string?)(modules.Contains(m) ? "true" : "false"));

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
