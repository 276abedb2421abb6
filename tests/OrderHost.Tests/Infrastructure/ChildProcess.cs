using System.Diagnostics;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Runs a tool to completion within a deadline: its exit code and the last lines it wrote.</summary>
public static class ChildProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program, arguments) { WorkingDirectory = workingDirectory };
        ForgetOuterBuild(startInfo);
        var output = new RecentOutput(32 * 1024);
        using var process = output.Start(startInfo);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} {string.Join(' ', arguments)} did not finish within {timeout}: {output}");
        }

        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    /// <summary>dotnet test exports MSBuild locations for its own build; a nested dotnet build or tool must find its own.</summary>
    public static void ForgetOuterBuild(ProcessStartInfo startInfo)
    {
        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.Ordinal) || k == "MSBUILD_EXE_PATH").ToList())
        {
            startInfo.Environment.Remove(key);
        }
    }
}
