using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// What the Dockerfile's final (runtime) stage makes a container run: base image, working directory,
/// environment (the base image's plus every <c>ENV</c>), user, exposed ports, <c>HEALTHCHECK</c> and
/// <c>ENTRYPOINT</c>. A parser for the subset of Dockerfile syntax those instructions use: line
/// continuations with <c>\</c>, comment lines, <c>ENV k=v k2="v 2"</c> and the legacy <c>ENV k v</c>,
/// <c>$VAR</c>/<c>${VAR}</c> substitution, exec-form (JSON array) commands.
/// </summary>
public sealed record ContainerImageSpec(
    string BaseImage,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> DockerfileEnvironmentKeys,
    string? User,
    IReadOnlyList<int> ExposedPorts,
    IReadOnlyDictionary<string, string> HealthcheckOptions,
    IReadOnlyList<string> HealthcheckCommand,
    IReadOnlyList<string> Entrypoint)
{
    public static ContainerImageSpec FromRepository() => Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "Dockerfile")));

    /// <summary>Parses the instructions of the last stage (the one <c>docker build</c> produces by default).</summary>
    public static ContainerImageSpec Parse(string dockerfile)
    {
        var instructions = Instructions(dockerfile).ToList();
        var lastFrom = instructions.FindLastIndex(i => i.Keyword == "FROM");
        if (lastFrom < 0)
        {
            throw new FormatException("The Dockerfile has no FROM instruction.");
        }

        var fromWords = instructions[lastFrom].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var baseImage = fromWords.First(w => !w.StartsWith("--", StringComparison.Ordinal));
        var environment = new Dictionary<string, string>(ContainerBaseImage.EnvironmentOf(baseImage), StringComparer.Ordinal);
        var dockerfileKeys = new List<string>();
        var workdir = "/";
        string? user = null;
        var exposed = new List<int>();
        var healthOptions = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<string> healthCommand = [];
        IReadOnlyList<string> entrypoint = [];

        foreach (var (keyword, arguments) in instructions.Skip(lastFrom + 1))
        {
            switch (keyword)
            {
                case "ENV":
                    foreach (var (key, value) in ParseEnv(arguments, environment))
                    {
                        environment[key] = value;
                        dockerfileKeys.Remove(key);
                        dockerfileKeys.Add(key);
                    }

                    break;
                case "WORKDIR":
                    var dir = Substitute(arguments.Trim(), environment);
                    workdir = dir.StartsWith('/') ? dir : $"{workdir.TrimEnd('/')}/{dir}";
                    break;
                case "USER":
                    user = Substitute(arguments.Trim(), environment);
                    break;
                case "EXPOSE":
                    exposed.AddRange(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => int.Parse(Substitute(p, environment).Split('/')[0], CultureInfo.InvariantCulture)));
                    break;
                case "HEALTHCHECK":
                    (healthOptions, healthCommand) = ParseHealthcheck(arguments);
                    break;
                case "ENTRYPOINT":
                    entrypoint = ExecForm(arguments, keyword);
                    break;
            }
        }

        return new ContainerImageSpec(baseImage, workdir, environment, dockerfileKeys, user, exposed, healthOptions, healthCommand, entrypoint);
    }

    /// <summary>The instructions, continuation lines joined and comment lines dropped.</summary>
    public static IEnumerable<(string Keyword, string Arguments)> Instructions(string dockerfile)
    {
        var current = new StringBuilder();
        foreach (var raw in dockerfile.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length > 0))
            {
                continue; // comments (also inside a continued instruction) and blank continuation lines
            }

            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1]).Append(' ');
                continue;
            }

            current.Append(line);
            var text = current.ToString().Trim();
            current.Clear();
            if (text.Length == 0)
            {
                continue;
            }

            var space = text.IndexOfAny([' ', '\t']);
            yield return space < 0
                ? (text.ToUpperInvariant(), string.Empty)
                : (text[..space].ToUpperInvariant(), text[(space + 1)..].Trim());
        }

        if (current.Length > 0)
        {
            throw new FormatException($"The Dockerfile ends inside a continued instruction: {current}");
        }
    }

    /// <summary><c>k=v k2="v 2"</c> pairs, or the legacy <c>k the rest</c> form.</summary>
    public static IEnumerable<(string Key, string Value)> ParseEnv(string arguments, IReadOnlyDictionary<string, string> environment)
    {
        var words = Words(arguments, environment);
        if (words.Count == 0)
        {
            throw new FormatException("ENV without arguments.");
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            // Legacy form: the first word is the key, everything after the first blank the value.
            var key = words[0];
            var value = Substitute(arguments.Trim()[key.Length..].Trim(), environment);
            return [(key, value)];
        }

        return words.Select(w =>
        {
            var eq = w.IndexOf('=', StringComparison.Ordinal);
            return eq <= 0 ? throw new FormatException($"ENV word '{w}' is not key=value.") : (w[..eq], w[(eq + 1)..]);
        }).ToList();
    }

    /// <summary>The port of a URL in ASPNETCORE_URLS form, where the host may be <c>+</c> or <c>*</c>.</summary>
    public static int PortOfUrl(string url)
    {
        var lastColon = url.LastIndexOf(':');
        var end = url.IndexOf('/', lastColon + 1);
        var digits = end < 0 ? url[(lastColon + 1)..] : url[(lastColon + 1)..end];
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static (Dictionary<string, string> Options, IReadOnlyList<string> Command) ParseHealthcheck(string arguments)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = arguments.Trim();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var end = rest.IndexOf(' ', StringComparison.Ordinal);
            var option = end < 0 ? rest : rest[..end];
            var eq = option.IndexOf('=', StringComparison.Ordinal);
            options[option[2..eq]] = option[(eq + 1)..];
            rest = end < 0 ? string.Empty : rest[end..].TrimStart();
        }

        if (rest.Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            return (options, []);
        }

        if (!rest.StartsWith("CMD", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"HEALTHCHECK without CMD: {arguments}");
        }

        var command = rest[3..].Trim();
        return (options, command.StartsWith('[') ? ExecForm(command, "HEALTHCHECK CMD") : ["/bin/sh", "-c", command]);
    }

    private static string[] ExecForm(string arguments, string instruction)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(arguments) ?? throw new FormatException($"{instruction}: empty exec form.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{instruction} is not in exec form (a JSON array): {arguments}", ex);
        }
    }

    /// <summary>Splits on blanks outside quotes; removes quotes; backslash escapes; substitutes variables outside single quotes.</summary>
    private static List<string> Words(string text, IReadOnlyDictionary<string, string> environment)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\\' && quote != '\'' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
            }
            else if (c is '"' or '\'' && (quote is null || quote == c))
            {
                quote = quote is null ? c : null;
            }
            else if (c == '$' && quote != '\'')
            {
                i = AppendVariable(text, i, environment, word);
            }
            else
            {
                word.Append(c);
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"Unclosed {quote} quote in: {text}");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> environment)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$')
            {
                i = AppendVariable(text, i, environment, result);
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    /// <summary>Appends the value of the variable at <paramref name="dollar"/> (empty when unset) and returns the index of its last character.</summary>
    private static int AppendVariable(string text, int dollar, IReadOnlyDictionary<string, string> environment, StringBuilder into)
    {
        string name;
        int last;
        if (dollar + 1 < text.Length && text[dollar + 1] == '{')
        {
            var close = text.IndexOf('}', dollar + 2);
            if (close < 0)
            {
                throw new FormatException($"Unclosed ${{ in: {text}");
            }

            name = text[(dollar + 2)..close];
            last = close;
        }
        else
        {
            var end = dollar + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            if (end == dollar + 1)
            {
                into.Append('$');
                return dollar;
            }

            name = text[(dollar + 1)..end];
            last = end - 1;
        }

        into.Append(environment.TryGetValue(name, out var value) ? value : string.Empty);
        return last;
    }
}

/// <summary>
/// What the base images of the runtime stage bring along that the Dockerfile does not say: their
/// <c>ENV</c> (from the images' own Dockerfiles in dotnet/dotnet-docker) and the unprivileged user.
/// </summary>
public static class ContainerBaseImage
{
    public const string AspNet10 = "mcr.microsoft.com/dotnet/aspnet:10.0";

    /// <summary>The "app" user of the .NET images: uid 1654, primary group 1654 (<c>APP_UID</c>).</summary>
    public const int AppUserId = 1654;

    public const int AppGroupId = 1654;

    public static IReadOnlyDictionary<string, string> EnvironmentOf(string image) => image.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal)
        ? new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // debian base
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            // runtime-deps
            ["APP_UID"] = AppUserId.ToString(CultureInfo.InvariantCulture),
            ["ASPNETCORE_HTTP_PORTS"] = "8080",
            ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
        }
        : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The uid and gid a <c>USER</c> value names: <c>uid[:gid]</c>; the app user's group when only its uid is given.</summary>
    public static (int Uid, int Gid) ResolveUser(string user)
    {
        var parts = user.Split(':');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            throw new FormatException($"USER '{user}' is not numeric; the tests only know the images' numeric app user.");
        }

        var gid = parts.Length > 1
            ? int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture)
            : uid == AppUserId ? AppGroupId : throw new FormatException($"USER '{user}' has no group and is not the app user {AppUserId}.");
        return (uid, gid);
    }
}
