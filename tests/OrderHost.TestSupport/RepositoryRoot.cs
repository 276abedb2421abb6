namespace OrderHost.TestSupport;

/// <summary>The folder holding OrderHost.sln, found by walking up from the working directory or the running assembly.</summary>
public static class RepositoryRoot
{
    public static string Find()
        => TryFind() ?? throw new InvalidOperationException($"No OrderHost.sln above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}.");

    /// <summary>The repository, or null when run from outside one (a copied benchmark binary).</summary>
    public static string? TryFind()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrderHost.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
