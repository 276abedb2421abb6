namespace OrderHost.Tests.Architecture;

/// <summary>The checker itself: each rule reports a violation when it is broken, and only then.</summary>
[TestFixture]
public sealed class ProjectReferenceRulesTests
{
    private static readonly string[] ParsedReferences = ["OrderHost.Messaging", "OrderHost.Orders"];

    [TestCase("OrderHost.Payments", "OrderHost.Orders", TestName = "A module referencing another module's implementation is a violation")]
    [TestCase("OrderHost.Orders", "OrderHost.Host", TestName = "A module referencing the Host is a violation")]
    [TestCase("OrderHost.Orders.Contracts", "OrderHost.Payments.Contracts", TestName = "Contracts referencing other contracts is a violation")]
    [TestCase("OrderHost.Payments.Contracts", "OrderHost.Payments", TestName = "Contracts referencing a module is a violation")]
    [TestCase("OrderHost.Messaging", "OrderHost.Orders.Contracts", TestName = "The kernel referencing contracts is a violation")]
    [TestCase("OrderHost.Messaging", "OrderHost.Host", TestName = "The kernel referencing the Host is a violation")]
    public void Broken_rule_is_reported(string project, string reference)
    {
        var violations = ProjectReferenceRules.Violations(Project(project, reference));

        Assert.That(violations, Has.Some.Contains(reference));
    }

    [TestCase("OrderHost.Notifications", "OrderHost.Messaging", "OrderHost.Payments.Contracts", "OrderHost.Notifications.Contracts", TestName = "A module referencing the kernel and contracts is allowed")]
    [TestCase("OrderHost.Orders.Contracts", "OrderHost.Messaging", TestName = "Contracts referencing the kernel is allowed")]
    [TestCase("OrderHost.Host", "OrderHost.Messaging", "OrderHost.Orders", "OrderHost.Payments", TestName = "The Host referencing modules is allowed")]
    public void Allowed_references_are_not_reported(string project, params string[] references)
    {
        Assert.That(ProjectReferenceRules.Violations(Project(project, references)), Is.Empty);
    }

    [Test]
    public void Parse_reads_every_project_reference_whatever_the_separator()
    {
        const string xml = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup><PackageReference Include="NATS.Net" /></ItemGroup>
              <ItemGroup>
                <ProjectReference Include="..\Messaging\OrderHost.Messaging.csproj" />
                <ProjectReference Include="../Orders/OrderHost.Orders.csproj" />
              </ItemGroup>
            </Project>
            """;

        var project = ProjectFile.Parse("OrderHost.Payments", xml);

        Assert.That(project.References, Is.EqualTo(ParsedReferences));
    }

    private static ProjectFile Project(string name, params string[] references)
    {
        var items = string.Concat(references.Select(r => $"""<ProjectReference Include="../{r}/{r}.csproj" />"""));
        return ProjectFile.Parse(name, $"""<Project Sdk="Microsoft.NET.Sdk"><ItemGroup>{items}</ItemGroup></Project>""");
    }
}
