namespace OrderHost.Host.Composition;

/// <summary>Every module this host knows (the table and any added to it) and the ones this process runs.</summary>
internal sealed record ModuleRoster(IReadOnlyList<HostedModule> Known, IReadOnlyList<HostedModule> Running)
{
    public bool Runs(string module) => Running.Any(m => string.Equals(m.Name, module, StringComparison.OrdinalIgnoreCase));
}
