using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// A nats-server that includes deploy/nats/permissions.conf as shipped (random passwords) and a probe of the test's
/// own that speaks as the operator, for all the fixture's tests; a derived fixture's hosts start after them and stop
/// before them.
/// </summary>
public abstract class ShippedPermissionsFixture
{
    private SecureNatsServer? _server;
    private BrokerProbe? _operator;

    protected ShippedPermissions Permissions { get; } = ShippedPermissions.WithRandomPasswords();

    protected SecureNatsServer Server => _server ?? throw new InvalidOperationException("The nats-server is not started.");

    protected BrokerProbe Operator => _operator ?? throw new InvalidOperationException("The nats-server is not started.");

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        _server = await Permissions.StartServerAsync();
        _operator = Permissions.OperatorProbe(Server);
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
