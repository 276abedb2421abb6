using OrderHost.Host.Composition;
using OrderHost.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrderHost.Tests.Topology;

/// <summary>deploy/docker-compose.yml as compose reads it: each service with its merge keys (<c>&lt;&lt;: *anchor</c>) applied.</summary>
internal static class ComposeFile
{
    public static Dictionary<string, YamlMappingNode> Services()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepositoryRoot.Find(), "deploy", "docker-compose.yml")))
        {
            yaml.Load(reader);
        }

        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode).Children["services"];
        return services.Children.ToDictionary(s => ((YamlScalarNode)s.Key).Value!, s => Effective((YamlMappingNode)s.Value));
    }

    /// <summary>The split-profile service that runs <paramref name="module"/> alone: its name in lower case.</summary>
    public static string SplitServiceOf(HostedModule module) => module.Name.ToLowerInvariant();

    /// <summary>A service's environment with its merged anchors applied.</summary>
    public static YamlMappingNode Environment(YamlMappingNode service)
        => service.Children.TryGetValue("environment", out var environment) ? Effective((YamlMappingNode)environment) : new YamlMappingNode();

    public static string? Text(YamlMappingNode mapping, string key)
        => mapping.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    public static string? Scalar(YamlMappingNode mapping, string key)
        => mapping.Children.TryGetValue(key, out var value) ? string.Join(' ', Flatten(value)) : null;

    /// <summary>A mapping with its merged mappings' entries under its own (own keys win, as in YAML's merge key).</summary>
    private static YamlMappingNode Effective(YamlMappingNode mapping)
    {
        var effective = new YamlMappingNode();
        if (mapping.Children.TryGetValue("<<", out var merged))
        {
            foreach (var (key, value) in Effective((YamlMappingNode)merged).Children)
            {
                effective.Children[key] = value;
            }
        }

        foreach (var (key, value) in mapping.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<"))
        {
            effective.Children[key] = value;
        }

        return effective;
    }

    private static IEnumerable<string> Flatten(YamlNode node) => node switch
    {
        YamlScalarNode scalar => [scalar.Value ?? string.Empty],
        YamlSequenceNode sequence => sequence.Children.SelectMany(Flatten),
        _ => [],
    };
}
