namespace OrderHost.TestSupport;

/// <summary>
/// Hands out each port once. A port the kernel reports free is only free until someone binds it, and the kernel may
/// report the same port to the next caller as well (two servers then race for it). So every port given out is
/// reserved until this process exits: in memory against callers of this process, and by an exclusive lock on a file
/// named after the port (the lock goes with the process, even a killed one) against other processes.
/// </summary>
public sealed class PortReservations(string lockDirectory, Func<int> candidates)
{
    public static readonly string DefaultLockDirectory = Path.Combine(Path.GetTempPath(), "orderhost-ports");

    private const int Attempts = 200;

    private readonly Dictionary<int, FileStream> _held = [];

    /// <summary>Ports this instance holds.</summary>
    public int Count
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>A candidate port that nobody else holds; it stays held by this instance.</summary>
    public int Reserve()
    {
        Directory.CreateDirectory(lockDirectory);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var port = candidates();
            lock (_held)
            {
                if (_held.ContainsKey(port))
                {
                    continue;
                }

                if (TryLock(port) is { } handle)
                {
                    _held[port] = handle;
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free port after {Attempts} candidates (locks in {lockDirectory}).");
    }

    private FileStream? TryLock(int port)
    {
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix: a second holder, in any process, is refused.
            return new FileStream(Path.Combine(lockDirectory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
