using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The benchmark's child processes (nats-servers, host processes): every started one is tracked so that a
/// failure, Ctrl-C or process exit still stops it, plus what they share (free ports, CPU time, start-up wait).
/// </summary>
internal static class ChildProcesses
{
    private const int SigTerm = 15;

    private static readonly ConcurrentDictionary<int, Process> Running = new();

    /// <summary>Starts <paramref name="startInfo"/> with stdout and stderr redirected (the caller drains them) and tracks it.</summary>
    public static Process Start(ProcessStartInfo startInfo)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        Running[process.Id] = process;
        return process;
    }

    /// <summary>The process is gone (stopped by its owner): no longer the last resort's business; disposes it.</summary>
    public static void Release(Process process)
    {
        Running.TryRemove(process.Id, out _);
        process.Dispose();
    }

    /// <summary>Last resort (process exit, unhandled failure, second Ctrl-C): kill whatever is still running.</summary>
    public static void KillAll()
    {
        foreach (var (id, process) in Running)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            Running.TryRemove(id, out _);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM), as a container runtime or systemd would; false if it could not be signalled.</summary>
    public static bool Terminate(Process process) => Kill(process.Id, SigTerm) == 0;

    /// <summary>CPU time (user + system) the process used so far; zero once it exited.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The resident set (VmRSS in /proc/&lt;pid&gt;/status), in bytes; null once the process is gone.</summary>
    public static long? ResidentBytes(Process process)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    // "VmRSS:     123456 kB"
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            // Exited meanwhile.
        }

        return null;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Waits until the child accepts TCP connections on <paramref name="port"/> (once <paramref name="precondition"/> holds);
    /// fails at once, with its last output, if it exits first.
    /// </summary>
    public static async Task WaitListeningAsync(
        Process process, string name, int port, Func<bool> precondition, Func<string> outputTail, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode}:{Environment.NewLine}{outputTail()}");
            }

            if (precondition())
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (SocketException)
                {
                    // Not yet.
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{name} did not become ready on port {port} within {timeout.TotalSeconds} s:{Environment.NewLine}{outputTail()}");
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    // kill(2). DllImport, not LibraryImport: that one needs unsafe code enabled, for two ints.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
