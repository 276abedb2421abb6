using System.Net;
using System.Text.Json;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// nats-server with <c>tls { cert_file, key_file, ca_file, verify: true }</c> (mutual TLS) and a PKI made by
/// openssl: the host with <c>Nats:Tls:CaFile/CertFile/KeyFile</c> works; a host that cannot verify the
/// server, or cannot prove itself, never becomes ready.
/// </summary>
[TestFixture]
public sealed class TlsTests
{
    private static readonly TimeSpan NotReadyPeriod = TimeSpan.FromSeconds(3);
    private SecureNatsServer? _server;
    private SecureTlsCertificates? _pki;

    private SecureNatsServer Server => _server!;

    private SecureTlsCertificates Pki => _pki!;

    [OneTimeSetUp]
    public async Task StartTlsServerAsync()
    {
        _server = SecureNatsServer.Create();
        _pki = await SecureTlsCertificates.GenerateAsync(Path.Combine(Server.RootDirectory, "pki"));
        await Server.StartAsync($$"""
            tls {
              cert_file: "{{Pki.ServerCertFile}}"
              key_file: "{{Pki.ServerKeyFile}}"
              ca_file: "{{Pki.CaFile}}"
              verify: true
              timeout: 2
            }
            """);
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Host_with_the_CA_and_a_client_certificate_completes_an_order_over_mutual_TLS()
    {
        await using var host = await RunningOrderHost.StartAsync(Server.Url, new Dictionary<string, string?>
        {
            ["Nats:Tls:CaFile"] = Pki.CaFile,
            ["Nats:Tls:CertFile"] = Pki.ClientCertFile,
            ["Nats:Tls:KeyFile"] = Pki.ClientKeyFile,
        });

        var orderId = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var state = await host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", TimeSpan.FromSeconds(30));

        Assert.That(state.Status, Is.EqualTo("paid"));
        using var connz = JsonDocument.Parse(await Server.MonitoringAsync("/connz?limit=1000"));
        var hostConnections = connz.RootElement.GetProperty("connections").EnumerateArray()
            .Where(c => c.TryGetProperty("name", out var n) && n.GetString() == "orderhost")
            .ToList();
        Assert.That(hostConnections, Is.Not.Empty, "the host's connection on /connz");
        Assert.That(
            hostConnections.Select(c => c.TryGetProperty("tls_version", out var v) ? v.GetString() : null),
            Has.All.Not.Null.And.All.StartsWith("1."),
            "TLS version of the host's connections");
    }

    [Test]
    public async Task Host_without_the_CA_does_not_become_ready()
        => await AssertNeverReadyAsync(new Dictionary<string, string?>
        {
            ["Nats:Tls:Required"] = "true",
            ["Nats:Tls:CertFile"] = Pki.ClientCertFile,
            ["Nats:Tls:KeyFile"] = Pki.ClientKeyFile,
        });

    [Test]
    public async Task Host_without_a_client_certificate_does_not_become_ready_when_the_server_verifies_clients()
        => await AssertNeverReadyAsync(new Dictionary<string, string?>
        {
            ["Nats:Tls:CaFile"] = Pki.CaFile,
        });

    [Test]
    public async Task Host_with_a_client_certificate_of_another_CA_does_not_become_ready()
        => await AssertNeverReadyAsync(new Dictionary<string, string?>
        {
            ["Nats:Tls:CaFile"] = Pki.CaFile,
            ["Nats:Tls:CertFile"] = Pki.StrangerCertFile,
            ["Nats:Tls:KeyFile"] = Pki.StrangerKeyFile,
        });

    [Test]
    public async Task Host_without_TLS_does_not_become_ready()
        => await AssertNeverReadyAsync(new Dictionary<string, string?>());

    private async Task AssertNeverReadyAsync(Dictionary<string, string?> settings)
    {
        // A host whose connection never opens waits out its whole shutdown timeout when stopped (see the report); keep that short here.
        settings["Host:ShutdownTimeout"] = "00:00:05";
        settings["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None";
        var host = await RunningOrderHost.StartAsync(Server.Url, settings, waitUntilReady: false);
        try
        {
            await AssertStaysNotReadyAsync(host);
        }
        finally
        {
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            await host.DisposeAsync();
            TestContext.Out.WriteLine($"the host stopped in {stopping.Elapsed.TotalSeconds:0.0} s (Host:ShutdownTimeout 5 s)");
        }
    }

    private async Task AssertStaysNotReadyAsync(RunningOrderHost host)
    {
        var observations = await Consistently.Holds(
            () => host.Api.GetAsync("/health/ready"),
            r => r.Status == HttpStatusCode.ServiceUnavailable,
            "/health/ready to answer 503",
            NotReadyPeriod);

        Assert.That(observations, Has.Count.GreaterThanOrEqualTo(5), "readiness probes made");
        TestContext.Out.WriteLine($"last readiness answer: {observations[^1]}");
        using var connz = JsonDocument.Parse(await Server.MonitoringAsync("/connz?limit=1000"));
        var names = connz.RootElement.GetProperty("connections").EnumerateArray()
            .Select(c => c.TryGetProperty("name", out var n) ? n.GetString() : null)
            .ToList();
        Assert.That(names, Has.None.EqualTo("orderhost"), "connections the server accepted from the host");
    }
}
