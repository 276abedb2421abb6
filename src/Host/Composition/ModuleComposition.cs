using System.Reflection;

namespace OrderHost.Host.Composition;

/// <summary>Adds the enabled modules of the module table; returns the assemblies whose HTTP endpoints must be mapped.</summary>
internal static class ModuleComposition
{
    public static IReadOnlyList<Assembly> AddEnabledModules(this WebApplicationBuilder builder)
    {
        var known = ModuleHosting.ModulesOf(builder);
        var enabled = ModuleToggles.Select(builder.Configuration, known);
        builder.Services.AddSingleton(new ModuleRoster(known, enabled));
        foreach (var module in enabled)
        {
            module.Register(builder);
        }

        return [.. enabled.Where(m => m.MapsEndpoints).Select(m => m.Assembly)];
    }
}
