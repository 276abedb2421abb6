using OrderHost.Host;

namespace OrderHost.Tests.Unit;

/// <summary>The container's HEALTHCHECK probes a path on the address ASPNETCORE_URLS gives the host.</summary>
[TestFixture]
public sealed class HealthProbeAddressTests
{
    [TestCase("http://+:8080", "http://127.0.0.1:8080")]
    [TestCase("http://*:5000", "http://127.0.0.1:5000")]
    [TestCase("http://0.0.0.0:9090/", "http://127.0.0.1:9090")]
    [TestCase("http://[::]:7070", "http://127.0.0.1:7070")]
    [TestCase("http://127.0.0.1:6060", "http://127.0.0.1:6060")]
    [TestCase("https://+:8443;http://+:8081", "http://127.0.0.1:8081")]
    [TestCase("http://localhost", "http://localhost:80")]
    [TestCase("http://[::1]:8082", "http://[::1]:8082")]
    [TestCase("", "http://127.0.0.1:8080")]
    [TestCase(null, "http://127.0.0.1:8080")]
    public void The_probe_reaches_the_first_http_address_on_loopback(string? urls, string expected)
    {
        Assert.That(HealthProbe.LocalAddress(urls), Is.EqualTo(expected));
    }
}
