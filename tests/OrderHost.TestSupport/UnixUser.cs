using System.Runtime.InteropServices;

namespace OrderHost.TestSupport;

/// <summary>Who this process runs as, and handing a path to another user (possible only as root).</summary>
public static partial class UnixUser
{
    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>The uid and gid a child asked to run as <paramref name="wanted"/> gets: that user when root, else the current user.</summary>
    public static (int Uid, int Gid) Effective((int Uid, int Gid) wanted)
        => IsRoot ? wanted : ((int)GetEffectiveUserId(), (int)GetEffectiveGroupId());

    /// <summary>Makes <paramref name="path"/> belong to <paramref name="user"/> (when root; otherwise it already is the current user's).</summary>
    public static void GiveTo(string path, (int Uid, int Gid) user)
    {
        if (IsRoot && Chown(path, (uint)user.Uid, (uint)user.Gid) != 0)
        {
            throw new InvalidOperationException($"chown({path}, {user.Uid}, {user.Gid}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
