using System.Globalization;
using System.Text.Json;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The shipped host in a child process: <c>dotnet OrderHost.dll</c> from its own folder (its runtimeconfig.json,
/// so the GC it ships with, and its appsettings.json, so logging at Information), all modules on, Kestrel on a free
/// 127.0.0.1 port, pointed at the benchmark's server. Its CPU and memory are its own; its output goes to
/// pipes that are drained and discarded. Stopped with SIGTERM, as a container runtime does.
/// </summary>
internal sealed class HostProcess : BenchHost
{
    public const string DllName = "OrderHost.dll";

    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly RecentOutput _output = new(32 * 1024);
    private int _disposed;
    private bool _outputShown;

    private HostProcess(Process process, Uri baseAddress)
        : base(baseAddress)
    {
        _process = process;
        _output.Attach(process);
    }

    public int Id => _process.Id;

    /// <summary>CPU time (user + system) the host used so far.</summary>
    public TimeSpan CpuTime => ChildProcesses.CpuTime(_process);

    /// <summary>Lines the host wrote to stdout and stderr so far.</summary>
    public long OutputLines => _output.LineCount;

    /// <summary>Bytes the host wrote to stdout and stderr so far.</summary>
    public long OutputBytes => _output.Bytes;

    protected override string? Gone => _process.HasExited ? $"process exited with code {_process.ExitCode}" : null;

    protected override string LastOutput() => Environment.NewLine + ShowOutput();

    /// <summary>The resident set, in bytes; null once the process is gone.</summary>
    public long? WorkingSetBytes() => ChildProcesses.ResidentBytes(_process);

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
            var configuration = typeof(HostProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
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

    public static async Task<HostProcess> StartAsync(string dll, string natsUrl, CancellationToken cancellationToken)
    {
        // A port found free can be taken before Kestrel binds it (the host then exits at once): try a few times.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.OnLoopback();
            var host = new HostProcess(ChildProcesses.Start(StartInfo(dll, natsUrl, port)), new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
            try
            {
                await ProcessReadiness.WaitListeningAsync(host._process, port, ListenTimeout, "the host process", host.ShowOutput, cancellationToken).ConfigureAwait(false);
                return host;
            }
            catch (InvalidOperationException) when (attempt < 3 && host.OutputTail().Contains("address already in use", StringComparison.OrdinalIgnoreCase))
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

    /// <summary>The host's last lines of output (stdout and stderr as they came), for failure messages.</summary>
    public string OutputTail(int lines = 50)
    {
        var last = _output.LastLines(lines);
        return last.Count == 0 ? "--- host: no output ---" : $"--- host output (last {last.Count} lines) ---{Environment.NewLine}{string.Join(Environment.NewLine, last)}";
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                var signalled = PosixSignal.TryTerminate(_process.Id);
                using var timeout = new CancellationTokenSource(signalled ? StopTimeout : TimeSpan.Zero);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await Console.Error.WriteLineAsync(signalled
                        ? $"bench: host process {_process.Id} did not stop within {StopTimeout.TotalSeconds} s of SIGTERM; killing it"
                        : $"bench: could not send SIGTERM to host process {_process.Id}; killing it").ConfigureAwait(false);
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            // The pipes close with the process: what is left in them is read to the end.
            await _output.Completion.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            if (_process.ExitCode != 0 && !_outputShown)
            {
                await Console.Error.WriteLineAsync($"bench: host process {_process.Id} exited with code {_process.ExitCode}:{Environment.NewLine}{OutputTail(20)}").ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync($"bench: host process {_process.Id}: its output pipes stayed open 5 s after it exited").ConfigureAwait(false);
        }
        finally
        {
            ChildProcesses.Release(_process);
        }
    }

    /// <summary>The output tail for a failure message: once shown there, it is not printed again when the process is stopped.</summary>
    private string ShowOutput()
    {
        _outputShown = true;
        return OutputTail();
    }

    private static ProcessStartInfo StartInfo(string dll, string natsUrl, int port)
    {
        // As shipped: no log-level or GC settings here; appsettings.json and OrderHost.runtimeconfig.json apply.
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.Environment["Nats__Url"] = natsUrl;
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        startInfo.Environment["Modules__Orders__Enabled"] = "true";
        startInfo.Environment["Modules__Payments__Enabled"] = "true";
        startInfo.Environment["Modules__Notifications__Enabled"] = "true";
        startInfo.Environment["Host__ShutdownTimeout"] = "00:00:10";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return startInfo;
    }
}
