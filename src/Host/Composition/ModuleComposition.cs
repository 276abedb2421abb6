using System.Reflection;

namespace OrderHost.Host.Composition;

/// <summary>Adds the enabled modules of the module table; returns the assemblies whose HTTP endpoints must be mapped.</summary>
internal static class ModuleComposition
{
    public static IReadOnlyList<Assembly> AddEnabledModules(this WebApplicationBuilder builder)
    {
        var enabled = ModuleToggles.Select(builder.Configuration, ModuleHosting.ModulesOf(builder));
        foreach (var module in enabled)
        {
            module.Register(builder);
        }

        return [.. enabled.Where(m => m.MapsEndpoints).Select(m => m.Assembly)];
    }
}
