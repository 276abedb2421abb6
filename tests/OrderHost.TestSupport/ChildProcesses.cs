using System.Collections.Concurrent;
using System.Globalization;

namespace OrderHost.TestSupport;

/// <summary>
/// Child processes (nats-servers, host processes) tracked so that a failure, Ctrl-C or the end of the test or
/// benchmark process still stops them, plus what is read about a running one (CPU time, resident memory).
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

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
        Running.TryRemove(KeyValuePair.Create(process.Id, process));
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
}
