namespace OrderHost.TestSupport;

/// <summary>The folder holding OrderHost.sln, found by walking up from the test assembly.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrderHost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OrderHost.sln above {AppContext.BaseDirectory}.");
    }
}
