using System.Runtime.InteropServices;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Sends SIGTERM, which nats-server treats as "shut down cleanly" (.NET's Process.Kill only sends SIGKILL).
/// </summary>
internal static partial class PosixSignal
{
    private const int SigTerm = 15;

    public static void Terminate(int processId)
    {
        if (Kill(processId, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
