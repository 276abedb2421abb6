namespace OrderHost.Tests.Architecture;

/// <summary>The real project files under src/ follow <see cref="ProjectReferenceRules"/>.</summary>
[TestFixture]
public sealed class ProjectReferenceTests
{
    /// <summary>The host, the kernel, and each module of the module table with its contracts.</summary>
    private static readonly string[] ExpectedProjects =
    [
        "OrderHost.Host",
        ModuleAssemblies.NameOf(ModuleAssemblies.Messaging),
        .. ModuleAssemblies.Modules.SelectMany(m => new[] { ModuleAssemblies.NameOf(m), ModuleAssemblies.ContractsNameOf(m) }),
    ];

    /// <summary>The projects of src/ and the modules kept in the test tree (tests/OrderHost.Modules.*), which follow the same rules.</summary>
    public static IEnumerable<TestCaseData> SourceProjects()
        => SourceProjectPaths().Concat(TestTreeModulePaths()).Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(path)));

    [Test]
    public void Every_expected_project_is_found()
    {
        var names = SourceProjectPaths().Select(Path.GetFileNameWithoutExtension);

        Assert.That(names, Is.EquivalentTo(ExpectedProjects), "src/Host, src/Messaging and src/Modules/*/*.csproj");
    }

    [TestCaseSource(nameof(SourceProjects))]
    public void Project_references_follow_the_module_rules(string projectPath)
    {
        var project = ProjectFile.Load(projectPath);

        Assert.That(ProjectReferenceRules.Violations(project), Is.Empty, project.ToString());
    }

    private static IEnumerable<string> TestTreeModulePaths()
        => Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Find(), "tests"), "OrderHost.Modules.*")
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*.csproj", SearchOption.TopDirectoryOnly))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> SourceProjectPaths()
    {
        var src = Path.Combine(RepositoryRoot.Find(), "src");
        return Directory.EnumerateFiles(Path.Combine(src, "Modules"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(src, "Messaging"), "*.csproj", SearchOption.TopDirectoryOnly))
            .Concat(Directory.EnumerateFiles(Path.Combine(src, "Host"), "*.csproj", SearchOption.TopDirectoryOnly))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }
}
