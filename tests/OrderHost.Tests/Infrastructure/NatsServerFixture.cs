namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Base of every integration fixture: one real nats-server for the fixture's tests (stopped and its
/// store deleted afterwards) and a JetStream client of the test's own to inspect it.
/// </summary>
public abstract class NatsServerFixture
{
    private NatsServer? _server;
    private BrokerProbe? _broker;

    protected NatsServer Server => _server ?? throw new InvalidOperationException("The nats-server is not started.");

    protected BrokerProbe Broker => _broker ?? throw new InvalidOperationException("The nats-server is not started.");

    [OneTimeSetUp]
    public async Task StartNatsServerAsync()
    {
        try
        {
            _server = await NatsServer.StartNewAsync();
        }
        catch (InvalidOperationException ex)
        {
            Assert.Fail($"Cannot start the test nats-server: {ex.Message}");
        }

        Assert.That(Server.Version, Is.GreaterThanOrEqualTo(NatsServerBinary.MinimumVersion), "nats-server version");
        _broker = new BrokerProbe(Server.Url);
    }

    [OneTimeTearDown]
    public async Task StopNatsServerAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
