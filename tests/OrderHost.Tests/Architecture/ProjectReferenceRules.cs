namespace OrderHost.Tests.Architecture;

/// <summary>
/// The module rules (README, "How it is built"): a module references the messaging kernel and other modules' contracts only; a contracts
/// project references the kernel only; the kernel references no OrderHost project; nothing references the Host.
/// </summary>
public static class ProjectReferenceRules
{
    public const string Kernel = "OrderHost.Messaging";
    public const string Host = "OrderHost.Host";
    private const string ContractsSuffix = ".Contracts";

    public static IReadOnlyList<string> Violations(ProjectFile project) => [.. project.References.SelectMany(r => Check(project.Name, r))];

    public static IReadOnlyList<string> Violations(IEnumerable<ProjectFile> projects) => [.. projects.SelectMany(Violations)];

    private static IEnumerable<string> Check(string project, string reference)
    {
        if (reference == Host)
        {
            yield return $"{project} references the Host ({reference}); nothing may.";
        }

        if (project == Host)
        {
            yield break;
        }

        if (project == Kernel)
        {
            yield return $"{project} (the kernel) references {reference}; it may reference no OrderHost project.";
        }
        else if (IsContracts(project))
        {
            if (reference != Kernel)
            {
                yield return $"{project} (contracts) references {reference}; contracts may reference only {Kernel}.";
            }
        }
        else if (reference != Kernel && !IsContracts(reference) && reference != Host)
        {
            yield return $"{project} (module) references {reference}; a module may reference only {Kernel} and *.Contracts projects.";
        }
    }

    private static bool IsContracts(string project) => project.EndsWith(ContractsSuffix, StringComparison.Ordinal);
}
