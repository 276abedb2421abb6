using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// One nats-server of the benchmark's own: a temporary store, a free port on 127.0.0.1 (and nothing
/// else: no cluster, no gateway, no monitoring port), JetStream with the requested sync_interval.
/// Every started server is tracked (<see cref="ChildProcesses"/>) so that a failure, Ctrl-C or process exit still stops it.
/// </summary>
internal sealed partial class NatsServerProcess : IAsyncDisposable
{
    private static readonly Version MinimumVersion = new(2, 12, 0);

    // Loopback only: never through a proxy from the environment.
    private static readonly HttpClient Monitor = new(new SocketsHttpHandler { UseProxy = false });

    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly ConcurrentQueue<string> _output;
    private int _disposed;

    private NatsServerProcess(Process process, DirectoryInfo directory, int port, int monitorPort, string? syncInterval, ConcurrentQueue<string> output)
    {
        _process = process;
        _directory = directory;
        _output = output;
        Port = port;
        MonitorPort = monitorPort;
        SyncInterval = syncInterval;
    }

    public int Port { get; }

    /// <summary>The monitoring endpoint (/varz), on 127.0.0.1 as well.</summary>
    public int MonitorPort { get; }

    public string Url => $"nats://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The configured sync_interval, or null for the server default.</summary>
    public string? SyncInterval { get; }

    /// <summary>CPU time (user + system) the server used so far.</summary>
    public TimeSpan CpuTime => ChildProcesses.CpuTime(_process);

    /// <summary>The server's resident set, in bytes; null once it is gone.</summary>
    public long? ResidentBytes() => ChildProcesses.ResidentBytes(_process);

    public static string SyncIntervalLabel(string? syncInterval) => syncInterval ?? "default (2m)";

    /// <summary>The binary: --nats-server, then $NATS_SERVER_BIN, then the repository's .tools/ copy, then PATH; at least 2.12.</summary>
    public static async Task<(string Path, string Version)> LocateAsync(string? explicitPath, string? repositoryRoot, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(explicitPath))
        {
            candidates.Add(explicitPath);
        }
        else
        {
            if (Environment.GetEnvironmentVariable("NATS_SERVER_BIN") is { Length: > 0 } fromEnv)
            {
                candidates.Add(fromEnv);
            }

            if (repositoryRoot is not null)
            {
                candidates.Add(Path.Combine(repositoryRoot, ".tools", "nats-server", "usr", "sbin", "nats-server"));
            }

            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "nats-server")));
        }

        var rejected = new List<string>();
        foreach (var candidate in candidates.Where(File.Exists))
        {
            var version = await ReadVersionAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (version is not null && TryParseVersion(version, out var parsed) && parsed >= MinimumVersion)
            {
                return (Path.GetFullPath(candidate), version);
            }

            rejected.Add($"{candidate} ({version ?? "no version"})");
        }

        throw new InvalidOperationException(
            $"No nats-server >= {MinimumVersion} found{(rejected.Count > 0 ? $" (rejected: {string.Join(", ", rejected)})" : string.Empty)}. "
            + "Run bench/run.sh (it calls scripts/ensure-nats-server.sh) or pass --nats-server PATH.");
    }

    public static async Task<NatsServerProcess> StartAsync(string binary, string? syncInterval, CancellationToken cancellationToken)
    {
        // A port found free can be taken before the server binds it: try a few times.
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("orderhost-bench-");
            var port = ChildProcesses.FreeLoopbackPort();
            var monitorPort = ChildProcesses.FreeLoopbackPort();
            var config = Path.Combine(directory.FullName, "nats-server.conf");
            await File.WriteAllTextAsync(config, ConfigFor(port, monitorPort, Path.Combine(directory.FullName, "store"), syncInterval), cancellationToken).ConfigureAwait(false);

            var output = new ConcurrentQueue<string>();
            Process process;
            try
            {
                process = ChildProcesses.Start(new ProcessStartInfo(binary)
                {
                    ArgumentList = { "-c", config },
                    WorkingDirectory = directory.FullName,
                });
            }
            catch
            {
                directory.Delete(recursive: true);
                throw;
            }

            process.OutputDataReceived += (_, e) => Keep(output, e.Data);
            process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new NatsServerProcess(process, directory, port, monitorPort, syncInterval, output);
            try
            {
                await server.WaitListeningAsync(TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception) when (attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The server's message and byte counters (/varz); null when they cannot be read.</summary>
    public async Task<ServerCounters?> ReadCountersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var uri = new Uri($"http://127.0.0.1:{MonitorPort.ToString(CultureInfo.InvariantCulture)}/varz");
            await using var stream = await Monitor.GetStreamAsync(uri, timeout.Token).ConfigureAwait(false);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: timeout.Token).ConfigureAwait(false);
            var root = doc.RootElement;
            return new ServerCounters(
                root.GetProperty("in_msgs").GetInt64(),
                root.GetProperty("out_msgs").GetInt64(),
                root.GetProperty("in_bytes").GetInt64(),
                root.GetProperty("out_bytes").GetInt64());
        }
        catch (Exception ex) when ((ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public string OutputTail(int lines = 20) => string.Join(Environment.NewLine, _output.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                // The store is thrown away, so there is nothing to shut down gracefully.
                _process.Kill();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"bench: nats-server pid {_process.Id} did not exit within 10 s after SIGKILL").ConfigureAwait(false);
        }
        finally
        {
            ChildProcesses.Release(_process);
        }

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"bench: could not delete {_directory.FullName}: {ex.Message}").ConfigureAwait(false);
        }
    }

    private static string ConfigFor(int port, int monitorPort, string storeDirectory, string? syncInterval) => $$"""
        # Written by the OrderHost benchmark; thrown away with its store.
        server_name: orderhost-bench
        listen: 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}
        http: 127.0.0.1:{{monitorPort.ToString(CultureInfo.InvariantCulture)}}
        jetstream {
          store_dir: "{{storeDirectory}}"
          max_memory_store: 256MB
          # ORDERS reserves its max_bytes (8 GiB) plus the DLQ (1 GiB): as in nats-server.conf.
          max_file_store: 16GB
        {{(syncInterval is null ? "  # sync_interval: server default" : $"  sync_interval: {syncInterval}")}}
        }
        """;

    private Task WaitListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => ChildProcesses.WaitListeningAsync(
            _process,
            "nats-server",
            Port,
            () => _output.Any(l => l.Contains("Server is ready", StringComparison.Ordinal)),
            () => OutputTail(),
            timeout,
            cancellationToken);

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    private static async Task<string?> ReadVersionAsync(string binary, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(binary)
            {
                ArgumentList = { "--version" },
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return null;
            }

            var text = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var match = VersionPattern().Match(text);
            return match.Success ? match.Groups[1].Value : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    internal static bool TryParseVersion(string text, out Version version)
        => Version.TryParse(text.TrimStart('v').Split('-', '+')[0], out version!);

    [GeneratedRegex(@"v(\d+\.\d+\.\d+\S*)")]
    private static partial Regex VersionPattern();
}

/// <summary>Messages and bytes the server received from and sent to clients, since it started.</summary>
internal sealed record ServerCounters(long InMsgs, long OutMsgs, long InBytes, long OutBytes);
