using System.Text.RegularExpressions;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Architecture;

/// <summary>
/// The run, test and CI commands install Debian packages only through <c>scripts/apt-install.sh</c>, which runs
/// <c>apt-get update</c> once when a package is not in the machine's lists; an install written anywhere else
/// works where the lists were fetched and fails on a fresh machine (as the Prometheus tests did). .ci/run proves
/// the script on empty APT state. The Dockerfile is not a command of this machine and is not read.
/// </summary>
[TestFixture]
public sealed partial class InstallStepTests
{
    private const string Helper = "scripts/apt-install.sh";
    private static readonly string[] Folders = ["scripts", "deploy", "tests", "bench", "src", ".ci"];

    [Test]
    public void Only_the_install_helper_runs_apt_get_install()
    {
        var root = RepositoryRoot.Find();
        var files = CommandFiles(root).ToList();

        var installs = files
            .Where(f => Relative(root, f) != Helper && Path.GetFileName(f) != $"{nameof(InstallStepTests)}.cs") // its own examples
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Relative(root, f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith('#') && !l.Text.StartsWith("//", StringComparison.Ordinal))
            .Where(l => ShellInstall().IsMatch(l.Text) || (l.File.EndsWith(".cs", StringComparison.Ordinal) && AptProgram().IsMatch(l.Text)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();

        Assert.That(files.Select(f => Relative(root, f)), Does.Contain(Helper).And.Contain(".ci/run"), "the files read");
        Assert.That(installs, Is.Empty, $"install steps outside {Helper} (call it instead, or DebianPackage.EnsureToolAsync from C#)");
    }

    [TestCase("apt-get install -y prometheus", true)]
    [TestCase("sudo apt-get -q install --no-install-recommends openssl", true)]
    [TestCase("apt install curl", true)]
    [TestCase("apt-get update -q && apt-get download nats-server", false)]
    [TestCase("grep -q \"apt-get update once\" <<<\"$out\" || echo \"the install failed\"", false)]
    [TestCase("../../scripts/apt-install.sh prometheus", false)]
    public void The_search_tells_an_install_from_other_apt_commands(string line, bool isInstall)
        => Assert.That(ShellInstall().IsMatch(line), Is.EqualTo(isInstall), line);

    /// <summary>Shell scripts and .ci/run, and the C# of tests, benchmark and host, without build output.</summary>
    private static IEnumerable<string> CommandFiles(string root)
        => Folders
            .Select(dir => Path.Combine(root, dir))
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal) || Relative(root, f) == ".ci/run");

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    // apt-get/apt/aptitude, then words up to "install" within one command (no ; | & between).
    [GeneratedRegex(@"\bapt(-get|itude)?(\s+[^\s;|&]+)*?\s+install\b")]
    private static partial Regex ShellInstall();

    // C# that starts apt-get itself: the program name as a string.
    [GeneratedRegex("\"(apt-get|apt|aptitude)\"")]
    private static partial Regex AptProgram();
}
