using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderHost.TestSupport;

/// <summary>
/// Finds the nats-server the tests and the benchmark run: a path given explicitly (the benchmark's --nats-server),
/// else <c>NATS_SERVER_BIN</c>, else the copy that scripts/ensure-nats-server.sh caches under .tools/, else one on PATH.
/// </summary>
public static partial class NatsServerBinary
{
    public static readonly Version MinimumVersion = new(2, 12);

    public const string EnvironmentVariable = "NATS_SERVER_BIN";

    private const string EnsureScriptHint =
        "Run scripts/ensure-nats-server.sh from the repository root (it caches a nats-server >= 2.12 under .tools/), or set NATS_SERVER_BIN to one.";

    /// <summary>The path of a usable binary, or a failure that says how to get one.</summary>
    public static string Locate(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new InvalidOperationException($"{explicitPath} does not exist. {EnsureScriptHint}");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"{EnvironmentVariable}={fromEnvironment} does not exist. {EnsureScriptHint}");
        }

        var root = RepositoryRoot.TryFind();
        var cached = root is null ? "(no repository)" : Path.Combine(root, ".tools", "nats-server", "usr", "sbin", "nats-server");
        if (File.Exists(cached))
        {
            return cached;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "nats-server"))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException($"No nats-server binary found (looked at {EnvironmentVariable}, {cached}, PATH). {EnsureScriptHint}");
    }

    /// <summary>Runs <c>nats-server --version</c> and fails unless it is at least <see cref="MinimumVersion"/>.</summary>
    public static Version EnsureSupportedVersion(string path)
    {
        var output = RunVersionCommand(path);
        var version = ParseVersion(output)
            ?? throw new InvalidOperationException($"Cannot read the version of {path} from '{output.Trim()}'. {EnsureScriptHint}");
        return version >= MinimumVersion
            ? version
            : throw new InvalidOperationException($"{path} is nats-server {version}; OrderHost needs {MinimumVersion} or newer. {EnsureScriptHint}");
    }

    /// <summary>Reads "nats-server: v2.15.1" (or any text holding vMAJOR.MINOR[.PATCH]).</summary>
    public static Version? ParseVersion(string versionOutput)
    {
        var match = VersionPattern().Match(versionOutput);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture);
        var minor = int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture);
        return match.Groups["patch"].Success
            ? new Version(major, minor, int.Parse(match.Groups["patch"].Value, CultureInfo.InvariantCulture))
            : new Version(major, minor);
    }

    private static string RunVersionCommand(string path)
    {
        using var process = Process.Start(new ProcessStartInfo(path, "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {path}.");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            throw new InvalidOperationException($"{path} --version did not finish.");
        }

        return output;
    }

    [GeneratedRegex(@"v(?<major>\d+)\.(?<minor>\d+)(?:\.(?<patch>\d+))?")]
    private static partial Regex VersionPattern();
}
