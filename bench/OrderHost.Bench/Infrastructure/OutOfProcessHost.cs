using System.Globalization;
using System.Text.Json;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The shipped host in a child process: <c>dotnet OrderHost.dll</c> from its own folder (its runtimeconfig.json,
/// so the GC it ships with, and its appsettings.json, so logging at Information), all modules on, Kestrel on a free
/// 127.0.0.1 port, pointed at the benchmark's server. Its CPU and memory are its own; its output is counted and only
/// its tail kept. Stopped with SIGTERM, as a container runtime does.
/// </summary>
internal sealed class OutOfProcessHost : BenchHost
{
    public const string DllName = "OrderHost.dll";

    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly HostProcess _process;
    private bool _outputShown;

    private OutOfProcessHost(HostProcess process)
        : base(process.BaseAddress)
    {
        _process = process;
    }

    /// <summary>CPU time (user + system) the host used so far.</summary>
    public TimeSpan CpuTime => _process.CpuTime;

    /// <summary>Lines the host wrote to stdout and stderr so far.</summary>
    public long OutputLines => _process.StandardOutput.LineCount + _process.StandardError.LineCount;

    /// <summary>Bytes the host wrote to stdout and stderr so far.</summary>
    public long OutputBytes => _process.StandardOutput.Bytes + _process.StandardError.Bytes;

    protected override string? Gone => _process.HasExited ? $"process exited with code {_process.ExitCode}" : null;

    protected override string LastOutput() => Environment.NewLine + ShowOutput();

    /// <summary>The resident set, in bytes; null once the process is gone.</summary>
    public long? WorkingSetBytes() => _process.ResidentBytes();

    /// <summary>
    /// The host's OrderHost.dll: <paramref name="explicitPath"/> (--host-dll), else the host project's build output for
    /// this benchmark's configuration (building the benchmark builds it, as a project reference).
    /// </summary>
    public static string Locate(string? explicitPath, string? repositoryRoot)
    {
        string dll;
        if (!string.IsNullOrEmpty(explicitPath))
        {
            dll = Path.GetFullPath(explicitPath);
        }
        else if (repositoryRoot is not null)
        {
            var configuration = typeof(OutOfProcessHost).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
                .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Release";
            var framework = "net" + Environment.Version.ToString(2);
            dll = Path.Combine(repositoryRoot, "src", "Host", "bin", configuration, framework, DllName);
        }
        else
        {
            throw new InvalidOperationException("--host-process: no repository found to take the host from; pass --host-dll PATH.");
        }

        var folder = Path.GetDirectoryName(dll)!;
        var missing = new[] { dll, Path.ChangeExtension(dll, ".runtimeconfig.json"), Path.Combine(folder, "appsettings.json") }
            .Where(f => !File.Exists(f)).ToArray();
        return missing.Length == 0
            ? dll
            : throw new InvalidOperationException(
                $"--host-process: missing {string.Join(", ", missing)}. Build the host (dotnet build -c Release src/Host; bench/run.sh does it) or pass --host-dll PATH.");
    }

    /// <summary>The GC the host runs with: its runtimeconfig.json, overridden by DOTNET_/COMPlus_ variables it inherits.</summary>
    public static (bool Server, bool Concurrent) GcSettings(string dll)
    {
        bool? server = null;
        bool? concurrent = null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(dll, ".runtimeconfig.json")));
            if (doc.RootElement.TryGetProperty("runtimeOptions", out var options) && options.TryGetProperty("configProperties", out var properties))
            {
                server = Flag(properties, "System.GC.Server");
                concurrent = Flag(properties, "System.GC.Concurrent");
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            // Runtime defaults below.
        }

        return (EnvironmentFlag("gcServer") ?? server ?? false, EnvironmentFlag("gcConcurrent") ?? concurrent ?? true);

        static bool? Flag(JsonElement properties, string name)
            => properties.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

        static bool? EnvironmentFlag(string name)
            => (Environment.GetEnvironmentVariable("DOTNET_" + name) ?? Environment.GetEnvironmentVariable("COMPlus_" + name)) is { Length: > 0 } text
                && int.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var n)
                    ? n != 0
                    : null;
    }

    public static async Task<OutOfProcessHost> StartAsync(string dll, string natsUrl, CancellationToken cancellationToken)
    {
        // As shipped: no log-level or GC settings here; appsettings.json and OrderHost.runtimeconfig.json apply.
        var launch = ChildLaunch.ForDll("the host process", dll) with
        {
            Environment = new Dictionary<string, string?>
            {
                ["Nats__Url"] = natsUrl,
                ["Modules__Orders__Enabled"] = "true",
                ["Modules__Payments__Enabled"] = "true",
                ["Modules__Notifications__Enabled"] = "true",
                ["Host__ShutdownTimeout"] = "00:00:10",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            },
            OutputCapacityBytes = 32 * 1024,
            StopGrace = StopTimeout,
        };
        return new OutOfProcessHost(await HostProcess.StartAsync(launch, HostReadiness.Listening, ListenTimeout, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    public override async ValueTask DisposeAsync()
    {
        // SIGTERM, and SIGKILL only when it outlives the grace.
        await _process.DisposeAsync().ConfigureAwait(false);
        if (_process.ExitCode != 0 && !_outputShown)
        {
            await Console.Error.WriteLineAsync($"bench: host process {_process.Id} exited with code {_process.ExitCode}:{Environment.NewLine}{_process.OutputTail(20)}").ConfigureAwait(false);
        }
    }

    /// <summary>The output tail for a failure message: once shown there, it is not printed again when the process is stopped.</summary>
    private string ShowOutput()
    {
        _outputShown = true;
        return _process.OutputTail(50);
    }
}
