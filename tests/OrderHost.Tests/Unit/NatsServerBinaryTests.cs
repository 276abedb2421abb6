using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Unit;

/// <summary>The fixture's version gate: it must refuse Debian 12's 2.9.10 and accept 2.12 and newer.</summary>
[TestFixture]
public sealed class NatsServerBinaryTests
{
    [TestCase("nats-server: v2.15.1", "2.15.1")]
    [TestCase("nats-server: v2.9.10", "2.9.10")]
    [TestCase("nats-server: v2.12.0-RC.1", "2.12.0")]
    [TestCase("v3.0", "3.0")]
    public void Version_is_read_from_the_version_output(string output, string expected)
    {
        Assert.That(NatsServerBinary.ParseVersion(output), Is.EqualTo(Version.Parse(expected)));
    }

    [Test]
    public void Output_without_a_version_gives_none()
    {
        Assert.That(NatsServerBinary.ParseVersion("command not found"), Is.Null);
    }

    [TestCase("nats-server: v2.9.10", false)]
    [TestCase("nats-server: v2.11.9", false)]
    [TestCase("nats-server: v2.12.0", true)]
    [TestCase("nats-server: v2.15.1", true)]
    public void Minimum_version_is_2_12(string output, bool supported)
    {
        Assert.That(NatsServerBinary.ParseVersion(output) >= NatsServerBinary.MinimumVersion, Is.EqualTo(supported));
    }
}
