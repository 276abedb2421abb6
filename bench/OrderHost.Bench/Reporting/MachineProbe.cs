using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;

namespace OrderHost.Bench.Reporting;

internal static class MachineProbe
{
    public static MachineInfo Describe() => new(
        Environment.ProcessorCount,
        CpuModel(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.OSArchitecture.ToString(),
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC,
        AppContext.GetData("System.GC.Concurrent") is not false,
        GCSettings.LatencyMode.ToString(),
        AppContext.GetData("System.Runtime.TieredPGO") is not false && Environment.GetEnvironmentVariable("DOTNET_TieredPGO") != "0",
        ThreadPoolSpinLimit(),
        CallCountingDelayMs(),
        "NATS.Net " + (typeof(NatsConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0].Trim()
            ?? typeof(NatsConnection).Assembly.GetName().Version?.ToString() ?? "?"));

    /// <summary>How long idle thread-pool workers spin before sleeping (runtime default 70; the host ships 0).</summary>
    private static string ThreadPoolSpinLimit()
        => Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")
            ?? AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")?.ToString()
            ?? "70 (default)";

    /// <summary>How long tiering waits for a quiet moment before counting calls (runtime default 100 ms; the host ships 0).</summary>
    private static string CallCountingDelayMs()
        => Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs")
            ?? AppContext.GetData("System.Runtime.TieredCompilation.CallCountingDelayMs")?.ToString()
            ?? "100 (default)";

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
