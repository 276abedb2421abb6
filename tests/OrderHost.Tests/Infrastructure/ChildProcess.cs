namespace OrderHost.Tests.Infrastructure;

/// <summary>Runs a tool to completion within a deadline: its exit code and the last lines it wrote.</summary>
public static class ChildProcess
{
    public static Task<(int ExitCode, string Output)> RunAsync(
        string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
        => HostProcess.RunToEndAsync(
            new ChildLaunch($"{Path.GetFileName(program)} {string.Join(' ', arguments)}", program, arguments) { WorkingDirectory = workingDirectory, OutputCapacityBytes = 32 * 1024 },
            timeout);
}
