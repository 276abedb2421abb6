using System.Runtime.Versioning;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// What the Dockerfile's build stage produces (<c>dotnet publish src/Host/OrderHost.Host.csproj -c Release -o …</c>, which
/// <see cref="PublishedBuild"/> runs once per test run), laid out as the runtime stage's <c>COPY --from=build /app ./</c> leaves it: owned by root
/// (the test user), readable and traversable by everyone (o+rX), writable by nobody else — the image's
/// user can run it and cannot change it.
/// </summary>
[SupportedOSPlatform("linux")]
public static class ContainerPublish
{
    private const UnixFileMode Directory755 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Copies a directory tree with o+rX (and no write but the owner's): directories 755, files 644, or 755 when executable.</summary>
    public static void CopyReadableByAll(string from, string to)
    {
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, Directory755);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            var mode = File.GetUnixFileMode(file);
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            File.SetUnixFileMode(target, (mode & AnyExecute) != 0 ? readable | AnyExecute : readable);
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            CopyReadableByAll(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    /// <summary>A directory only <paramref name="user"/> can use (700), as the image user's home.</summary>
    public static string PrivateDirectoryFor(string path, (int Uid, int Gid) user)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        UnixUser.GiveTo(path, user);
        return path;
    }

    /// <summary>Makes <paramref name="path"/> traversable by everyone (755) and checks its ancestors let anyone through.</summary>
    public static void MakeTraversable(string path)
    {
        File.SetUnixFileMode(path, Directory755);
        for (var dir = Directory.GetParent(path); dir is not null; dir = dir.Parent)
        {
            if ((File.GetUnixFileMode(dir.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException($"{dir.FullName} is not traversable by other users (o+x); set TMPDIR to a directory that is.");
            }
        }
    }
}
