using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A process started the way a container runtime would start it from a <see cref="ContainerImageSpec"/>:
/// exactly the given environment (nothing inherited from the test process), the image's working
/// directory stand-in, and — when the tests run as root — the image's unprivileged user, through
/// <c>setpriv --reuid --regid --clear-groups</c> (util-linux), which execs the command in place, so the
/// process id is the command's own. Not root: the command runs as the current user.
/// </summary>
public sealed partial class ContainerProcess : IAsyncDisposable
{
    private const int MaxLines = 20_000;
    private static readonly string[] SetprivLocations = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"];
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ContainerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>The uid and gid the process runs as: the image's user when root, else the current user's.</summary>
    public static (int Uid, int Gid) EffectiveUser((int Uid, int Gid) imageUser)
        => IsRoot ? imageUser : ((int)GetEffectiveUserId(), (int)GetEffectiveGroupId());

    /// <summary>Starts <paramref name="command"/> (its first element an executable path) with exactly <paramref name="environment"/>.</summary>
    public static ContainerProcess Start(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory, (int Uid, int Gid) user)
    {
        var process = new Process { StartInfo = StartInfo(command, environment, workingDirectory, user) };
        var container = new ContainerProcess(process);
        process.OutputDataReceived += (_, e) => Remember(container._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Remember(container._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return container;
    }

    /// <summary>Runs a command to its end (e.g. the HEALTHCHECK) the same way and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory, (int Uid, int Gid) user, TimeSpan timeout)
    {
        await using var run = Start(command, environment, workingDirectory, user);
        if (!await run.WaitForExitAsync(timeout))
        {
            run._process.Kill();
            await run._process.WaitForExitAsync();
            throw new TimeoutException($"{string.Join(' ', command)} did not finish within {timeout.TotalSeconds:0} s.\n{run.Output()}");
        }

        return (run.ExitCode, run.Output());
    }

    public IReadOnlyList<string> StandardOutput()
    {
        lock (_stdout)
        {
            return [.. _stdout];
        }
    }

    public IReadOnlyList<string> StandardError()
    {
        lock (_stderr)
        {
            return [.. _stderr];
        }
    }

    public string Output() => string.Join('\n', StandardOutput().TakeLast(100).Concat(StandardError().TakeLast(100)));

    /// <summary>The Uid, Gid and Groups lines of /proc/&lt;pid&gt;/status and the command line, as the kernel sees the process.</summary>
    public (string Uid, string Gid, string Groups, string CommandLine) KernelView()
    {
        var status = File.ReadAllLines($"/proc/{Id}/status");
        string Line(string name) => status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "";
        var commandLine = File.ReadAllText($"/proc/{Id}/cmdline").Replace('\0', ' ').Trim();
        return (Line("Uid"), Line("Gid"), Line("Groups"), commandLine);
    }

    public void Terminate() => OrderHost.TestSupport.PosixSignal.Terminate(Id);

    /// <summary>True when the process exited within <paramref name="timeout"/>; the output is read to its end.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The <c>dotnet</c> muxer running the tests (the container's <c>dotnet</c> stands for the same runtime).</summary>
    public static string DotnetExecutable()
    {
        var candidates = new[] { Environment.ProcessPath, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "dotnet")));
        var found = candidates.FirstOrDefault(c => c is not null && Path.GetFileName(c) == "dotnet" && File.Exists(c))
            ?? throw new InvalidOperationException("No dotnet executable found (process path, DOTNET_HOST_PATH, PATH).");
        return new FileInfo(found).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? found;
    }

    /// <summary>Makes <paramref name="path"/> belong to <paramref name="user"/> (when root; otherwise it already is the current user's).</summary>
    public static void GiveTo(string path, (int Uid, int Gid) user)
    {
        if (IsRoot && Chown(path, (uint)user.Uid, (uint)user.Gid) != 0)
        {
            throw new InvalidOperationException($"chown({path}, {user.Uid}, {user.Gid}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private static ProcessStartInfo StartInfo(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory, (int Uid, int Gid) user)
    {
        string[] arguments = IsRoot
            ? [$"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups", .. command]
            : command.Skip(1).ToArray();
        var info = new ProcessStartInfo(IsRoot ? Setpriv() : command[0], arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static string Setpriv()
        => SetprivLocations.FirstOrDefault(File.Exists)
           ?? throw new InvalidOperationException("The tests run as root and need setpriv (util-linux) to drop to the image's user; it was not found.");

    private static void Remember(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            if (lines.Count < MaxLines)
            {
                lines.Add(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
