using OrderHost.Host.Composition;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Tests.Infrastructure;
using OrderHost.Tests.Security;
using OrderHost.Tests.Topology;

namespace OrderHost.Tests.Durability;

/// <summary>
/// The configurations the repository ships survive one machine's power loss with nothing acknowledged
/// lost: the single-node ones fsync before every acknowledgement (as the real server reads them, through
/// the same monitoring read the host does), and the cluster runs every stream with 3 replicas.
/// </summary>
[TestFixture]
public sealed class ShippedConfigurationTests
{
    private static readonly string[] ClusterNodes = ["nats-1", "nats-2", "nats-3"];
    /// <summary>The one-process service and one split service per module of the module table.</summary>
    private static readonly string[] HostServices = ["orderhost", .. ModuleTable.Shipped.Select(ComposeFile.SplitServiceOf)];

    [Test]
    public async Task The_run_scripts_single_node_configuration_fsyncs_before_every_acknowledgement()
    {
        await using var server = await ShippedNatsServer.StartAsync("nats-server.conf");

        var sync = await ReadSyncAsync(server);

        Assert.That(sync, Is.EqualTo(new ServerSync("orderhost-dev", Always: true, TimeSpan.FromMinutes(2))), "as nats-server reads nats-server.conf");
    }

    [Test]
    public async Task The_single_node_configuration_with_per_module_users_fsyncs_before_every_acknowledgement()
    {
        var passwords = ShippedPermissions.WithRandomPasswords();
        await using var server = await ShippedNatsServer.StartAsync(
            "deploy/nats/secure.conf",
            ["deploy/nats/permissions.conf"],
            ShippedPermissions.All.ToDictionary(u => u.PasswordVariable, passwords.PasswordOf));

        var sync = await ReadSyncAsync(server);

        Assert.That(sync, Is.EqualTo(new ServerSync("orderhost-secure", Always: true, TimeSpan.FromMinutes(2))), "as nats-server reads deploy/nats/secure.conf");
    }

    [Test]
    public void The_compose_cluster_runs_three_nodes_and_every_host_with_three_replicas()
    {
        var services = ComposeFile.Services();
        var nodes = services.Where(s => ComposeFile.Scalar(s.Value, "command")?.Contains("/etc/nats/cluster.conf", StringComparison.Ordinal) == true).ToList();
        var hosts = services.Where(s => s.Value.Children.ContainsKey("build")).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(nodes.Select(n => n.Key), Is.EquivalentTo(ClusterNodes), "nodes running deploy/nats/cluster.conf");
            Assert.That(hosts.Select(h => h.Key), Is.EquivalentTo(HostServices), "OrderHost services");
            foreach (var (name, host) in hosts)
            {
                var environment = ComposeFile.Environment(host);
                Assert.That(ComposeFile.Text(environment, "Nats__Replicas"), Is.EqualTo("3"), $"{name}: Nats__Replicas");
                Assert.That(ComposeFile.Text(environment, "Nats__Url")?.Split(','), Has.Length.EqualTo(3), $"{name}: Nats__Url names every node");
            }
        }
    }

    private static async Task<ServerSync> ReadSyncAsync(ShippedNatsServer server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var readout = await new ServerSyncReader(TimeProvider.System).ReadAsync(server.MonitoringUrl, timeout.Token);
        Assert.That(readout.Problems, Is.Empty);
        return readout.Servers.Single();
    }
}
