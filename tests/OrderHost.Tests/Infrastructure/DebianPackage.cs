using System.Diagnostics;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A command-line tool the tests run, from a Debian package: found on PATH, or installed with
/// <c>scripts/apt-install.sh</c>, the repository's one install step (it runs <c>apt-get update</c> once when the
/// machine's package lists lack the package, as on a machine that never fetched them). Fails saying what to install.
/// </summary>
public static class DebianPackage
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    // Fixtures run in parallel; two installs at once would only queue on APT's lock.
    private static readonly SemaphoreSlim OneInstallAtATime = new(1, 1);

    /// <summary>The path of <paramref name="tool"/>, installing <paramref name="package"/> first when it is missing.</summary>
    public static async Task<string> EnsureToolAsync(string tool, string package)
    {
        if (Find(tool) is { } found)
        {
            return found;
        }

        await OneInstallAtATime.WaitAsync();
        try
        {
            if (Find(tool) is { } installedMeanwhile)
            {
                return installedMeanwhile;
            }

            var outcome = await InstallAsync(package);
            return Find(tool) ?? throw new InvalidOperationException(
                $"The tests need '{tool}' (Debian package '{package}'), and installing it failed ({outcome}). Install it with: scripts/apt-install.sh {package}");
        }
        finally
        {
            OneInstallAtATime.Release();
        }
    }

    /// <summary>On PATH, else in /usr/bin or /usr/sbin (a PATH without sbin still finds a package's server).</summary>
    public static string? Find(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/sbin"])
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static async Task<string> InstallAsync(string package)
    {
        var script = Path.Combine(RepositoryRoot.Find(), "scripts", "apt-install.sh");
        var output = new RecentOutput(8 * 1024);
        try
        {
            using var install = output.Start(new ProcessStartInfo("bash", [script, package]));
            using var timeout = new CancellationTokenSource(InstallTimeout);
            try
            {
                await install.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                install.Kill(entireProcessTree: true);
                return $"{script} {package} did not finish within {InstallTimeout.TotalMinutes:0} minutes: {output}";
            }

            return $"{script} {package} exited with {install.ExitCode}: {output}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"bash could not be run: {ex.Message}";
        }
    }
}
