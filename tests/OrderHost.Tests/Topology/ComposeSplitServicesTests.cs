using OrderHost.Host.Composition;

namespace OrderHost.Tests.Topology;

/// <summary>The split profile of deploy/docker-compose.yml follows the module table: one service per module, each naming only it.</summary>
[TestFixture]
public sealed class ComposeSplitServicesTests
{
    [Test]
    public void Every_module_has_a_split_service_that_names_it_alone_in_Modules__Enabled()
    {
        var services = ComposeFile.Services();
        using (Assert.EnterMultipleScope())
        {
            foreach (var module in ModuleTable.Shipped)
            {
                var name = ComposeFile.SplitServiceOf(module);
                Assert.That(services.ContainsKey(name), Is.True, $"a split service '{name}' for module {module.Name}");
                if (services.TryGetValue(name, out var service))
                {
                    var environment = ComposeFile.Environment(service);
                    Assert.That(ComposeFile.Text(environment, "Modules__Enabled"), Is.EqualTo(module.Name), $"{name}: Modules__Enabled");
                    Assert.That(ComposeFile.Scalar(service, "profiles"), Is.EqualTo("split"), $"{name}: profile");
                }
            }
        }
    }

    [Test]
    public void No_service_uses_per_module_flags_that_would_let_a_new_module_start_everywhere()
    {
        var flagged = ComposeFile.Services()
            .SelectMany(s => ComposeFile.Environment(s.Value).Children.Keys.Select(k => (Service: s.Key, Key: k.ToString())))
            .Where(e => e.Key.StartsWith("Modules__", StringComparison.Ordinal) && e.Key != "Modules__Enabled")
            .Select(e => $"{e.Service}: {e.Key}");

        Assert.That(flagged, Is.Empty);
    }
}
