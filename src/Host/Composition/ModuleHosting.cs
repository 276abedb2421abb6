namespace OrderHost.Host.Composition;

/// <summary>Adds a module-table entry to one host beyond <see cref="ModuleTable.Shipped"/> (a module kept outside src/, such as a test's).</summary>
public static class ModuleHosting
{
    private const string ExtraModulesKey = "OrderHost.ExtraModules";

    public static IHostApplicationBuilder AddModule(this IHostApplicationBuilder builder, HostedModule module)
    {
        if (!builder.Properties.TryGetValue(ExtraModulesKey, out var value) || value is not List<HostedModule> extra)
        {
            extra = [];
            builder.Properties[ExtraModulesKey] = extra;
        }

        extra.Add(module);
        return builder;
    }

    /// <summary>The shipped table and whatever this builder added, each name once.</summary>
    internal static IReadOnlyList<HostedModule> ModulesOf(IHostApplicationBuilder builder)
    {
        var extra = builder.Properties.TryGetValue(ExtraModulesKey, out var value) && value is List<HostedModule> list ? list : [];
        IReadOnlyList<HostedModule> all = [.. ModuleTable.Shipped, .. extra];
        var repeated = all.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? all : throw new InvalidOperationException($"Module '{repeated.Key}' is in the module table twice.");
    }
}
