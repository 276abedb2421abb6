using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderHost.Host.Composition;
using OrderHost.Messaging.Events;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Contracts;

/// <summary>
/// The JSON Schemas in schemas/ are what other languages consume: they must be exactly what the
/// contract types produce. After an intended contract change run scripts/update-schemas.sh.
/// </summary>
[TestFixture]
public sealed class EventSchemaTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] OrderCreatedSchemaFiles = ["orders.created.v1.schema.json", "orders.created.v2.schema.json"];

    /// <summary>The schemas of every event a module of the module table declares it publishes.</summary>
    private static IEnumerable<(string FileName, JsonNode Schema)> Generated()
    {
        var declarations = ModuleDeclarations.Of(ModuleTable.Shipped);
        return declarations.Publications.SelectMany(p => p.Event.Schemas(declarations.Ledger));
    }

    [Test]
    public void Checked_in_schemas_match_the_contract_types()
    {
        var folder = Path.Combine(RepositoryRoot(), "schemas");
        var generated = Generated().ToList();
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMAS") == "1")
        {
            Directory.CreateDirectory(folder);
            foreach (var (fileName, schema) in generated)
            {
                File.WriteAllText(Path.Combine(folder, fileName), schema.ToJsonString(Indented) + "\n");
            }
        }

        Assert.Multiple(() =>
        {
            foreach (var (fileName, schema) in generated)
            {
                var path = Path.Combine(folder, fileName);
                Assert.That(File.Exists(path), Is.True, $"{fileName} is missing: run scripts/update-schemas.sh");
                if (File.Exists(path))
                {
                    var checkedIn = JsonNode.Parse(File.ReadAllText(path));
                    Assert.That(JsonNode.DeepEquals(checkedIn, schema), Is.True, $"{fileName} differs from the contract: run scripts/update-schemas.sh and review the diff");
                }
            }

            var expected = generated.Select(g => g.FileName).ToHashSet();
            var stale = Directory.GetFiles(folder, "*.schema.json").Select(Path.GetFileName).Where(f => !expected.Contains(f!));
            Assert.That(stale, Is.Empty, "schemas/ holds schemas no contract produces any more");
        });
    }

    [Test]
    public void Every_version_a_consumer_reads_has_a_schema_with_its_version_pinned()
    {
        var created = EventSchema.For(OrderEvents.Created, OrderLedger.Definition).ToDictionary(s => s.FileName, s => s.Schema);
        Assert.That(created.Keys, Is.EquivalentTo(OrderCreatedSchemaFiles));
        Assert.Multiple(() =>
        {
            Assert.That((int?)created["orders.created.v1.schema.json"]["properties"]?["version"]?["const"], Is.EqualTo(1));
            Assert.That((int?)created["orders.created.v2.schema.json"]["properties"]?["version"]?["const"], Is.EqualTo(2));
            Assert.That(created["orders.created.v2.schema.json"]["properties"]?["shippingAddress"], Is.Not.Null);
            Assert.That(created["orders.created.v1.schema.json"]["properties"]?["shippingAddress"], Is.Null);
        });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrderHost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrderHost.sln not found above the test directory.");
    }
}
