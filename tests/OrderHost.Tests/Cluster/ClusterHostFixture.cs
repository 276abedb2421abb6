using System.Globalization;
using Microsoft.AspNetCore.Builder;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Cluster;

/// <summary>
/// Three nats-server processes clustered on loopback, the test's own probe on them, and one in-process host with
/// <c>Nats:Replicas</c> = 3 on <see cref="HostNatsUrl"/>, for all the fixture's tests. At the end every node runs
/// again (started, or resumed from SIGSTOP) before the host stops: a host stopping against a missing node waits out
/// request timeouts.
/// </summary>
public abstract class ClusterHostFixture
{
    protected const int Nodes = 3;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private ClusterOnLoopback? _cluster;
    private BrokerProbe? _broker;
    private RunningOrderHost? _host;

    protected ClusterOnLoopback NatsCluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    protected BrokerProbe Broker => _broker ?? throw new InvalidOperationException("The cluster is not started.");

    protected RunningOrderHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>Servers that advertise no other address, so a client learns only the URLs it was given.</summary>
    protected virtual bool NoAdvertise => false;

    /// <summary>What the host connects to; every node by default.</summary>
    protected virtual string HostNatsUrl => NatsCluster.Urls;

    /// <summary>Configuration on top of the test defaults and the replicas.</summary>
    protected virtual IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>();

    protected virtual Action<WebApplicationBuilder>? ConfigureHost => null;

    /// <summary>What the host's URL points at and must exist first (proxies, say).</summary>
    protected virtual void BeforeHostStarts()
    {
    }

    /// <summary>Undoes what a test may have left broken on the way to a node (before the host stops).</summary>
    protected virtual void EndFaults()
    {
    }

    /// <summary>Releases what <see cref="BeforeHostStarts"/> made, once the host stopped.</summary>
    protected virtual ValueTask AfterHostStoppedAsync() => ValueTask.CompletedTask;

    [OneTimeSetUp]
    public async Task StartClusterAndHostAsync()
    {
        try
        {
            _cluster = await ClusterOnLoopback.StartAsync(Nodes, NoAdvertise);
        }
        catch (InvalidOperationException ex)
        {
            Assert.Fail($"Cannot start the {Nodes}-node nats-server cluster: {ex.Message}");
        }

        Assert.That(NatsCluster.Version, Is.GreaterThanOrEqualTo(NatsServerBinary.MinimumVersion), "nats-server version");
        TestContext.Progress.WriteLine($"cluster {NatsCluster.Name}: {string.Join("; ", NatsCluster.Nodes)}");
        _broker = new BrokerProbe(NatsCluster.Urls);
        BeforeHostStarts();
        var settings = new Dictionary<string, string?>(HostSettings)
        {
            ["Nats:Replicas"] = Nodes.ToString(CultureInfo.InvariantCulture),
        };
        _host = await RunningOrderHost.StartAsync(HostNatsUrl, settings, ConfigureHost, readyTimeout: ReadyTimeout);
    }

    [OneTimeTearDown]
    public async Task StopEverythingAsync()
    {
        EndFaults();
        foreach (var node in _cluster?.Nodes ?? [])
        {
            if (node.IsRunning)
            {
                PosixSignal.Resume(node.ProcessId!.Value);
            }
            else
            {
                node.Start();
            }
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await AfterHostStoppedAsync();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
