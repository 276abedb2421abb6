using System.Xml.Linq;

namespace OrderHost.Tests.Architecture;

/// <summary>A .csproj reduced to what the reference rules look at: its name and the projects it references.</summary>
public sealed record ProjectFile(string Name, IReadOnlyList<string> References)
{
    public static ProjectFile Load(string path) => Parse(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path));

    /// <summary>Reference names are the referenced project files' names, whatever the path separator.</summary>
    public static ProjectFile Parse(string name, string projectXml)
    {
        var references = XDocument.Parse(projectXml)
            .Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? string.Empty)
            .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
            .ToList();
        return new ProjectFile(name, references);
    }

    public override string ToString() => $"{Name} -> [{string.Join(", ", References)}]";
}
