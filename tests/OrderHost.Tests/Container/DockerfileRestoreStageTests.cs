using OrderHost.Tests.Architecture;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Container;

/// <summary>
/// The Dockerfile restores from a stage that keeps only the project files under src/, so a new module's folder needs
/// no line in it. Its command is run here on a copy of src/ (without what .dockerignore leaves out), then the build
/// stage's restore, offline from the local package cache: it must find every project the host needs.
/// </summary>
[TestFixture]
public sealed class DockerfileRestoreStageTests
{
    private const string ProjectsStage = "AS projects";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Test]
    public async Task The_projects_stage_keeps_every_project_file_and_restore_succeeds_from_it()
    {
        var root = RepositoryRoot.Find();
        var work = Directory.CreateTempSubdirectory("orderhost-restore-stage-");
        try
        {
            CopyWithoutBuildOutput(Path.Combine(root, "src"), Path.Combine(work.FullName, "src"));
            foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
            {
                File.Copy(Path.Combine(root, file), Path.Combine(work.FullName, file));
            }

            var (trimExit, trimOutput) = await ChildProcess.RunAsync("/bin/sh", work.FullName, Patience, "-c", ProjectsStageCommand(root));
            Assert.That(trimExit, Is.EqualTo(0), trimOutput);

            var kept = Directory.EnumerateFiles(Path.Combine(work.FullName, "src"), "*", SearchOption.AllDirectories)
                .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
            var expected = new[] { "OrderHost.Host", ModuleAssemblies.NameOf(ModuleAssemblies.Messaging) }
                .Concat(ModuleAssemblies.Modules.SelectMany(m => new[] { ModuleAssemblies.NameOf(m), ModuleAssemblies.ContractsNameOf(m) }));
            Assert.That(kept, Is.EquivalentTo(expected), "the stage keeps the project files only, every one of them");

            var (restoreExit, restoreOutput) = await ChildProcess.RunAsync(
                "dotnet", work.FullName, Patience, "restore", "src/Host/OrderHost.Host.csproj", "--nologo");
            Assert.That(restoreExit, Is.EqualTo(0), restoreOutput);
            var assets = await File.ReadAllTextAsync(Path.Combine(work.FullName, "src", "Host", "obj", "project.assets.json"));
            foreach (var module in ModuleAssemblies.Modules)
            {
                Assert.That(assets, Does.Contain($"\"{ModuleAssemblies.NameOf(module)}/1.0.0\""), "the host's restore sees every module");
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The first RUN after <c>FROM … AS projects</c>.</summary>
    private static string ProjectsStageCommand(string root)
    {
        var lines = File.ReadAllLines(Path.Combine(root, "Dockerfile"));
        var stage = Array.FindIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal) && l.EndsWith(ProjectsStage, StringComparison.Ordinal));
        Assert.That(stage, Is.GreaterThanOrEqualTo(0), $"the Dockerfile has a stage '{ProjectsStage}'");
        var run = lines.Skip(stage + 1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).FirstOrDefault(l => l.StartsWith("RUN ", StringComparison.Ordinal));
        Assert.That(run, Is.Not.Null, "the projects stage trims src/ with a RUN");
        return run!["RUN ".Length..];
    }

    /// <summary>As .dockerignore: no bin/ or obj/ folders.</summary>
    private static void CopyWithoutBuildOutput(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopyWithoutBuildOutput(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
