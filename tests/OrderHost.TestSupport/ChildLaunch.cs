namespace OrderHost.TestSupport;

/// <summary>How to start a child process: what to run, where, with which environment and as whom.</summary>
/// <param name="Name">How failure messages name it.</param>
/// <param name="Executable">The program (for a .NET app, <see cref="DotnetMuxer.Path"/>; see <see cref="ForDll"/>).</param>
/// <param name="Arguments">Its arguments.</param>
public sealed record ChildLaunch(string Name, string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>Its working directory; null: this process's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set for it; a null value leaves the variable out.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// True: it inherits this process's environment, minus what would configure it behind the caller's back (keys with
    /// <c>__</c>, <c>ASPNETCORE_*</c>, <c>DOTNET_ENVIRONMENT</c>, <c>OTEL_*</c>) and the MSBuild locations of an outer build.
    /// False: it gets <see cref="Environment"/> and nothing else, as a container does.
    /// </summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>Run as this uid and gid (through setpriv) when this process is root; ignored otherwise.</summary>
    public (int Uid, int Gid)? User { get; init; }

    /// <summary>The window of stdout, and separately of stderr, kept for assertions and failure messages.</summary>
    public int OutputCapacityBytes { get; init; } = RecentOutput.DefaultCapacityBytes;

    /// <summary>Time given to exit after SIGTERM when disposed while running; zero: SIGKILL at once.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.Zero;

    /// <summary><c>dotnet {dll} {arguments}</c> in the dll's folder, as its Dockerfile or a service manager would run it.</summary>
    public static ChildLaunch ForDll(string name, string dll, params string[] arguments)
        => new(name, DotnetMuxer.Path, [dll, .. arguments]) { WorkingDirectory = System.IO.Path.GetDirectoryName(dll) };
}
