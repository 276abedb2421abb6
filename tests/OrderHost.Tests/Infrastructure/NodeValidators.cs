using System.Diagnostics;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The third-party validators (npm packages pinned in ApiDescriptions/validators/package.json) the outside world
/// checks our API descriptions with. Installed once per run into <c>.tools/node-validators</c>, and kept there
/// until package.json changes; node and npm come from Debian through scripts/apt-install.sh when missing.
/// </summary>
public static class NodeValidators
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>Runs validate.mjs over <paramref name="file"/>; the exit code and what the validator printed.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string kind, string file)
    {
        var folder = await Installed.Value;
        return await RunAsync(await DebianPackage.EnsureToolAsync("node", "nodejs"), folder, TimeSpan.FromMinutes(2), "validate.mjs", kind, file);
    }

    private static async Task<string> InstallAsync()
    {
        var source = Path.Combine(RepositoryRoot.Find(), "tests", "OrderHost.Tests", "ApiDescriptions", "validators");
        var folder = Path.Combine(RepositoryRoot.Find(), ".tools", "node-validators");
        Directory.CreateDirectory(folder);
        var manifest = await File.ReadAllTextAsync(Path.Combine(source, "package.json"));
        var installedManifest = Path.Combine(folder, "node_modules", ".installed-package.json");
        File.Copy(Path.Combine(source, "validate.mjs"), Path.Combine(folder, "validate.mjs"), overwrite: true);
        if (File.Exists(installedManifest) && await File.ReadAllTextAsync(installedManifest) == manifest)
        {
            return folder;
        }

        await DebianPackage.EnsureToolAsync("node", "nodejs");
        var npm = await DebianPackage.EnsureToolAsync("npm", "npm");
        await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), manifest);
        var (exitCode, output) = await RunAsync(npm, folder, InstallTimeout, "install", "--no-audit", "--no-fund", "--no-package-lock");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"npm install in {folder} exited with {exitCode}: {output}");
        }

        await File.WriteAllTextAsync(installedManifest, manifest);
        return folder;
    }

    private static async Task<(int, string)> RunAsync(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var output = new RecentOutput(32 * 1024);
        using var process = output.Start(new ProcessStartInfo(program, arguments) { WorkingDirectory = workingDirectory });
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} did not finish within {timeout}: {output}");
        }

        return (process.ExitCode, output.ToString());
    }
}
