using Microsoft.Extensions.Configuration;

namespace OrderHost.Host.Composition;

/// <summary>
/// Decides which modules this process runs. <c>Modules:Enabled</c> (a comma list, e.g. <c>Payments</c>) names exactly
/// the modules that run, so a module added later does not start in a process that did not ask for it. Without it every
/// module runs unless <c>Modules:{Name}:Enabled</c> is false. Both may be given if they agree; unknown names and
/// contradictions stop the start with the reason.
/// </summary>
internal static class ModuleToggles
{
    public const string ListKey = "Modules:Enabled";

    public static IReadOnlyList<HostedModule> Select(IConfiguration configuration, IReadOnlyList<HostedModule> table)
    {
        var known = table.Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var section = configuration.GetSection("Modules");
        var unknownSections = section.GetChildren()
            .Where(c => c.Value is null && !known.Contains(c.Key))
            .Select(c => c.Key)
            .ToList();
        if (unknownSections.Count > 0)
        {
            throw Invalid($"Modules:{unknownSections[0]} names no module", table);
        }

        var flags = table.ToDictionary(m => m.Name, m => Flag(configuration, m.Name, table), StringComparer.OrdinalIgnoreCase);
        var list = configuration[ListKey];
        if (list is null)
        {
            return [.. table.Where(m => flags[m.Name] ?? true)];
        }

        var named = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = named.Where(n => !known.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw Invalid($"{ListKey} names '{string.Join("', '", unknown)}', which is not a module", table);
        }

        var listed = named.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var contradiction = table.FirstOrDefault(m => flags[m.Name] is { } on && on != listed.Contains(m.Name));
        if (contradiction is not null)
        {
            throw Invalid($"Modules:{contradiction.Name}:Enabled is {flags[contradiction.Name]!.Value.ToString().ToLowerInvariant()} but {ListKey} ('{list}') says otherwise", table);
        }

        return [.. table.Where(m => listed.Contains(m.Name))];
    }

    private static bool? Flag(IConfiguration configuration, string module, IReadOnlyList<HostedModule> table)
    {
        var raw = configuration[$"Modules:{module}:Enabled"];
        if (raw is null)
        {
            return null;
        }

        return bool.TryParse(raw, out var on) ? on : throw Invalid($"Modules:{module}:Enabled is '{raw}', not true or false", table);
    }

    private static InvalidOperationException Invalid(string reason, IReadOnlyList<HostedModule> table)
        => new($"Module configuration: {reason}. The modules are: {string.Join(", ", table.Select(m => m.Name))}.");
}
