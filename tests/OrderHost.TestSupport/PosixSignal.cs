using System.Runtime.InteropServices;

namespace OrderHost.TestSupport;

/// <summary>
/// Sends SIGTERM, which nats-server and the host treat as "shut down cleanly" (.NET's Process.Kill only sends SIGKILL),
/// and SIGSTOP / SIGCONT, which freeze and thaw a process with its sockets left open (a stalled node).
/// </summary>
public static partial class PosixSignal
{
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    public static void Terminate(int processId) => Send(processId, SigTerm, "SIGTERM");

    /// <summary>SIGTERM; false when the process could not be signalled (it is gone, or not ours).</summary>
    public static bool TryTerminate(int processId) => Kill(processId, SigTerm) == 0;

    public static void Pause(int processId) => Send(processId, SigStop, "SIGSTOP");

    public static void Resume(int processId) => Send(processId, SigCont, "SIGCONT");

    private static void Send(int processId, int signal, string name)
    {
        if (Kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {name}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
