using Microsoft.Extensions.Configuration;

namespace OrderHost.Host.Composition;

/// <summary><c>Modules:{Name}:Enabled</c> (default true) decides which modules this process runs.</summary>
internal static class ModuleToggles
{
    public static bool IsEnabled(IConfiguration configuration, string module)
        => configuration.GetValue($"Modules:{module}:Enabled", defaultValue: true);
}
