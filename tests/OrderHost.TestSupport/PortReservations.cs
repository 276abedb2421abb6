namespace OrderHost.TestSupport;

/// <summary>
/// Hands out each port once. A port the kernel reports free is only free until someone binds it, and the kernel may
/// report the same port to the next caller as well (two servers then race for it). So every port given out is
/// reserved until released (at the latest when this process exits): in memory against callers of this process, and by
/// an exclusive lock (flock) on a file named after the port against other processes; the lock goes with the process,
/// even a killed one.
/// </summary>
/// <remarks>
/// Lock files are removed, not left to pile up: a holder deletes its file before it lets go of the lock, and the first
/// reservation deletes files nobody holds (left by killed processes). Deleting races with a reserver that opened the
/// file just before: it may then lock the deleted file while a third process creates and locks a new one under the same
/// name. So a lock counts only when, once taken, the name still leads to the locked file (/proc/self/fd tells); files
/// are deleted only by a holder whose lock counts, and where that cannot be checked they are left in place.
/// </remarks>
public sealed class PortReservations(string lockDirectory, Func<int> candidates) : IDisposable
{
    public static readonly string DefaultLockDirectory = Path.Combine(Path.GetTempPath(), "orderhost-ports");

    private const int Attempts = 200;
    private const string Extension = ".lock";
    private const string DeletedSuffix = " (deleted)";

    private static readonly bool CanCheckLinks = Directory.Exists("/proc/self/fd");

    private readonly Dictionary<int, FileStream> _held = [];
    private bool _pruned;

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

    /// <summary>A candidate port that nobody else holds; it stays held by this instance until released.</summary>
    public int Reserve()
    {
        Directory.CreateDirectory(lockDirectory);
        lock (_held)
        {
            if (!_pruned)
            {
                _pruned = true;
                PruneStale();
            }
        }

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var port = candidates();
            lock (_held)
            {
                if (_held.ContainsKey(port))
                {
                    continue;
                }

                if (TryLock(LockPath(port)) is { } handle)
                {
                    _held[port] = handle;
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free port after {Attempts} candidates (locks in {lockDirectory}).");
    }

    /// <summary>Gives the port back: its lock file is deleted, then unlocked.</summary>
    public void Release(int port)
    {
        lock (_held)
        {
            if (_held.Remove(port, out var handle))
            {
                DeleteAndUnlock(LockPath(port), handle);
            }
        }
    }

    /// <summary>Releases every port this instance holds.</summary>
    public void Dispose()
    {
        lock (_held)
        {
            foreach (var (port, handle) in _held)
            {
                DeleteAndUnlock(LockPath(port), handle);
            }

            _held.Clear();
        }
    }

    /// <summary>Deletes the lock files nobody holds: taking the lock succeeds only on those.</summary>
    private void PruneStale()
    {
        foreach (var path in Directory.EnumerateFiles(lockDirectory, "*" + Extension))
        {
            if (TryLock(path) is { } handle)
            {
                DeleteAndUnlock(path, handle);
            }
        }
    }

    private string LockPath(int port) => Path.Combine(lockDirectory, port.ToString(System.Globalization.CultureInfo.InvariantCulture) + Extension);

    private static FileStream? TryLock(string path)
    {
        FileStream handle;
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix: a second holder, in any process, is refused.
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }

        if (IsStillNamed(handle))
        {
            return handle;
        }

        // Opened just before its holder deleted it: the lock is on a file nobody else will look at.
        handle.Dispose();
        return null;
    }

    private static void DeleteAndUnlock(string path, FileStream handle)
    {
        try
        {
            if (CanCheckLinks)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for a later prune.
        }
        finally
        {
            handle.Dispose();
        }
    }

    /// <summary>Whether the locked file still has its name (the kernel marks a deleted one's /proc/self/fd link).</summary>
    private static bool IsStillNamed(FileStream handle)
    {
        if (!CanCheckLinks)
        {
            // Nothing is deleted then, so nothing can have been.
            return true;
        }

        var descriptor = handle.SafeFileHandle.DangerousGetHandle().ToInt64();
        var target = new FileInfo($"/proc/self/fd/{descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture)}").LinkTarget;
        return target is not null && !target.EndsWith(DeletedSuffix, StringComparison.Ordinal);
    }
}
