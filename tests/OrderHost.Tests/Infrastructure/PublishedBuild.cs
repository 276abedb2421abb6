using System.Diagnostics;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The host as it ships: <c>dotnet publish</c> of src/Host, once per test run and shared by every fixture
/// (a failed publish is remembered, so each fixture fails fast with the same message). Set
/// <c>ORDERHOST_PUBLISHED_DIR</c> to an existing publish output to skip the publish.
/// </summary>
public static class PublishedBuild
{
    public const string DirectoryVariable = "ORDERHOST_PUBLISHED_DIR";
    public const string EntryAssembly = "OrderHost.dll";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Directory = new(() => Task.Run(LocateOrPublishAsync));

    /// <summary>The folder holding OrderHost.dll; publishes on first use.</summary>
    public static Task<string> GetDirectoryAsync() => Directory.Value;

    /// <summary>The <c>dotnet</c> muxer that runs the tests.</summary>
    public static string DotnetExecutable() => DotnetMuxer.Path;

    private static async Task<string> LocateOrPublishAsync()
    {
        var given = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return File.Exists(Path.Combine(given, EntryAssembly))
                ? given
                : throw new InvalidOperationException($"{DirectoryVariable}={given} holds no {EntryAssembly}; unset it to publish, or point it at a publish output.");
        }

        var parent = Path.Combine(Path.GetTempPath(), "orderhost-tests", $"published-{Guid.NewGuid():N}");
        var output = Path.Combine(parent, "orderhost-published");
        System.IO.Directory.CreateDirectory(output);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(parent);

        var project = Path.Combine(RepositoryRoot.Find(), "src", "Host", "OrderHost.Host.csproj");
        var clock = Stopwatch.StartNew();
        var (exitCode, log) = await ChildProcess.RunAsync(
            DotnetExecutable(), RepositoryRoot.Find(), PublishTimeout,
            // Leave no build servers running after the tests.
            "publish", project, "-c", "Release", "-o", output, "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        if (exitCode != 0 || !File.Exists(Path.Combine(output, EntryAssembly)))
        {
            throw new InvalidOperationException($"dotnet publish {project} failed (exit {exitCode}):\n{log}");
        }

        TestContext.Progress.WriteLine($"Published the host to {output} in {clock.Elapsed.TotalSeconds:0.0} s.");
        return output;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover folder under the temp dir is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
