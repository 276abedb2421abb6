using System.Globalization;

namespace OrderHost.TestSupport;

/// <summary>
/// A host (the published OrderHost, or any ASP.NET Core app) in a child process listening on a free 127.0.0.1 port:
/// started from a <see cref="ChildLaunch"/>, waited for, its stdout and stderr kept in <see cref="RecentOutput"/>
/// windows, stopped with SIGTERM as an orchestrator does or killed with SIGKILL as a crash does. Tracked by
/// <see cref="ChildProcesses"/>, so a test run or benchmark that dies leaves none behind.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private static readonly string[] SetprivLocations = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"];
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly ChildLaunch _launch;
    private int _disposed;
    private int? _exitCode;

    private HostProcess(ChildLaunch launch, Process process, Uri baseAddress)
    {
        _launch = launch;
        _process = process;
        Id = process.Id;
        BaseAddress = baseAddress;
        StandardOutput = new RecentOutput(launch.OutputCapacityBytes);
        StandardError = new RecentOutput(launch.OutputCapacityBytes);
        StandardOutput.Attach(process.StandardOutput.BaseStream);
        StandardError.Attach(process.StandardError.BaseStream);
    }

    public string Name => _launch.Name;

    public Uri BaseAddress { get; }

    public int Id { get; }

    public bool HasExited => _exitCode is not null || _process.HasExited;

    /// <summary>Its exit code, also once disposed.</summary>
    public int ExitCode => _exitCode ?? _process.ExitCode;

    public RecentOutput StandardOutput { get; }

    public RecentOutput StandardError { get; }

    /// <summary>CPU time (user + system) used so far; zero once it exited.</summary>
    public TimeSpan CpuTime => ChildProcesses.CpuTime(_process);

    /// <summary>The resident set in bytes; null once it exited.</summary>
    public long? ResidentBytes() => ChildProcesses.ResidentBytes(_process);

    /// <summary>
    /// Starts the host with <c>ASPNETCORE_URLS</c> on <paramref name="port"/> (default: a free one) and waits for
    /// <paramref name="readiness"/>. A free port can be taken by someone else before Kestrel binds it; then the start is
    /// retried on another (only when the port was not given).
    /// </summary>
    public static async Task<HostProcess> StartAsync(
        ChildLaunch launch, HostReadiness readiness, TimeSpan timeout, int? port = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var host = Start(launch, port ?? FreePort.OnLoopback());
            try
            {
                await host.WaitForAsync(readiness, timeout, cancellationToken).ConfigureAwait(false);
                return host;
            }
            catch (InvalidOperationException) when (port is null && attempt < StartAttempts && host.HasExited
                && host.Output().Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await host.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Runs a command (a tool, a health probe) to its end within <paramref name="timeout"/>: its exit code and last output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(ChildLaunch launch, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await using var run = new HostProcess(launch, ChildProcesses.Start(StartInfo(launch, port: null)), new Uri("http://127.0.0.1/"));
        if (!await run.WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            run._process.Kill(entireProcessTree: true);
            await run._process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (-1, $"{launch.Name} did not finish within {timeout}:\n{run.Output()}");
        }

        return (run.ExitCode, run.Output());
    }

    public async Task WaitForAsync(HostReadiness readiness, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        switch (readiness)
        {
            case HostReadiness.Listening:
                await ProcessReadiness.WaitListeningAsync(_process, BaseAddress.Port, timeout, ToString(), OutputTail, cancellationToken).ConfigureAwait(false);
                break;
            case HostReadiness.Live:
                await ProcessReadiness.WaitAsync(_process, new Uri(BaseAddress, "/health/live"), timeout, ToString(), OutputTail, cancellationToken).ConfigureAwait(false);
                break;
            case HostReadiness.Ready:
                await ProcessReadiness.WaitAsync(_process, new Uri(BaseAddress, "/health/ready"), timeout, ToString(), OutputTail, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>SIGTERM: the host shuts down as it would when its container stops.</summary>
    public void Terminate() => PosixSignal.Terminate(Id);

    /// <summary>True when it exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, then its exit code; killed, and a <see cref="TimeoutException"/>, when it does not exit within <paramref name="timeout"/>.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && PosixSignal.TryTerminate(Id) && !await WaitForExitAsync(timeout).ConfigureAwait(false))
        {
            await KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"{this} did not exit within {timeout.TotalSeconds:0} s of SIGTERM; killed it.\n{OutputTail()}");
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: it ends at once, in the middle of whatever it was doing.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>The Uid, Gid and Groups lines of /proc/&lt;pid&gt;/status and the command line, as the kernel sees the process.</summary>
    public (string Uid, string Gid, string Groups, string CommandLine) KernelView()
    {
        var status = File.ReadAllLines($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/status");
        string Line(string name) => status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? string.Empty;
        var commandLine = File.ReadAllText($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ').Trim();
        return (Line("Uid"), Line("Gid"), Line("Groups"), commandLine);
    }

    /// <summary>What it wrote: the last lines of stdout, then of stderr.</summary>
    public string Output(int lines = 100)
        => string.Join('\n', StandardOutput.LastLines(lines).Concat(StandardError.LastLines(lines)));

    /// <summary>The last lines of its output, for failure messages.</summary>
    public string OutputTail() => OutputTail(40);

    public string OutputTail(int lines)
    {
        var stdout = StandardOutput.LastLines(lines);
        var stderr = StandardError.LastLines(lines);
        return stdout.Count + stderr.Count == 0
            ? $"--- {Name}: no output ---"
            : $"--- {Name}: last {stdout.Count} lines of stdout ---\n{string.Join('\n', stdout)}\n--- last {stderr.Count} lines of stderr ---\n{string.Join('\n', stderr)}";
    }

    public override string ToString() => $"{Name} (pid {Id}, {BaseAddress})";

    /// <summary>Stops it if it still runs (SIGTERM within the launch's grace, else SIGKILL) and reads its output to the end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_launch.StopGrace > TimeSpan.Zero && !_process.HasExited && PosixSignal.TryTerminate(Id))
            {
                await WaitForExitAsync(_launch.StopGrace).ConfigureAwait(false);
            }

            await KillAsync().ConfigureAwait(false);

            // The pipes close with the process (unless it left a child holding them): what is left in them is read.
            await Task.WhenAll(StandardOutput.Completion, StandardError.Completion).WaitAsync(OutputDrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild still holds the pipes; the window keeps what came.
        }
        finally
        {
            _exitCode = _process.HasExited ? _process.ExitCode : -1;
            ChildProcesses.Release(_process);
        }
    }

    private static HostProcess Start(ChildLaunch launch, int port)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        return new HostProcess(launch, ChildProcesses.Start(StartInfo(launch, baseAddress)), baseAddress);
    }

    private static ProcessStartInfo StartInfo(ChildLaunch launch, Uri? port)
    {
        var asUser = launch.User is { } user && UnixUser.IsRoot ? user : ((int Uid, int Gid)?)null;
        var startInfo = asUser is { } u
            ? new ProcessStartInfo(Setpriv(), [$"--reuid={u.Uid}", $"--regid={u.Gid}", "--clear-groups", launch.Executable, .. launch.Arguments])
            : new ProcessStartInfo(launch.Executable, launch.Arguments);
        startInfo.WorkingDirectory = launch.WorkingDirectory ?? string.Empty;
        var inherited = startInfo.Environment.Keys.Where(key => !launch.InheritEnvironment || ConfiguresTheChild(key)).ToList();
        foreach (var key in inherited)
        {
            startInfo.Environment.Remove(key);
        }

        foreach (var (key, value) in launch.Environment.Where(e => e.Value is not null))
        {
            startInfo.Environment[key] = value;
        }

        if (port is not null)
        {
            // Loopback only, and the port this process chose.
            startInfo.Environment["ASPNETCORE_URLS"] = port.GetLeftPart(UriPartial.Authority);
        }

        return startInfo;
    }

    private static bool ConfiguresTheChild(string key)
        => key.Contains("__", StringComparison.Ordinal)
            || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
            // dotnet test exports MSBuild locations for its own build; a nested dotnet build or tool must find its own.
            || key.StartsWith("MSBuild", StringComparison.Ordinal)
            || key == "MSBUILD_EXE_PATH";

    private static string Setpriv()
        => SetprivLocations.FirstOrDefault(File.Exists)
           ?? throw new InvalidOperationException("Running a child as another user needs setpriv (util-linux); it was not found.");
}
