namespace OrderHost.TestSupport;

/// <summary>The <c>dotnet</c> executable that runs this process (or the SDK exports, or PATH has), for starting .NET children.</summary>
public static class DotnetMuxer
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Path => Found.Value;

    private static string Find()
    {
        var candidates = new[] { Environment.ProcessPath, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => System.IO.Path.Combine(dir, "dotnet")));
        var found = candidates.FirstOrDefault(c => c is not null && System.IO.Path.GetFileName(c) == "dotnet" && File.Exists(c))
            ?? throw new InvalidOperationException("No dotnet executable found (process path, DOTNET_HOST_PATH, PATH).");

        // The real file, not a /usr/bin link: a child running as another user execs it directly.
        return new FileInfo(found).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? found;
    }
}
