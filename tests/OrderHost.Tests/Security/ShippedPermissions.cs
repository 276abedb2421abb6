using System.Security.Cryptography;
using OrderHost.Host.Composition;
using OrderHost.Notifications;
using OrderHost.Orders;
using OrderHost.Payments;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// The per-module NATS users of deploy/nats/permissions.conf, as shipped: the file itself is copied
/// next to the generated server configuration and included by a relative path (nats-server resolves
/// includes relative to the including file); the passwords reach the server as the environment
/// variables the file names, and the host as <c>Nats:Credentials:{Identity}:User/Password</c>.
/// </summary>
public sealed class ShippedPermissions
{
    public static readonly ModuleUser Operator = ModuleUser.Operator;
    public static readonly ModuleUser Orders = ModuleUser.For(OrdersModule.Name);
    public static readonly ModuleUser Payments = ModuleUser.For(PaymentsModule.Name);
    public static readonly ModuleUser Notifications = ModuleUser.For(NotificationsModule.Name);

    /// <summary>The operator and every module of the module table.</summary>
    public static readonly IReadOnlyList<ModuleUser> All = ModuleUser.AllFor(ModuleTable.Shipped);

    private ShippedPermissions(IReadOnlyDictionary<string, string> passwords) => Passwords = passwords;

    /// <summary>A distinctive random password per identity.</summary>
    public IReadOnlyDictionary<string, string> Passwords { get; }

    public static string ShippedFile => Path.Combine(RepositoryRoot.Find(), "deploy", "nats", "permissions.conf");

    public static ShippedPermissions WithRandomPasswords()
        => new(All.ToDictionary(u => u.Identity, u => $"pw-{u.Identity.ToLowerInvariant()}-{RandomNumberGenerator.GetHexString(24, lowercase: true)}"));

    public string PasswordOf(ModuleUser user) => Passwords[user.Identity];

    /// <summary>Starts a server that includes the shipped permissions.conf (plus <paramref name="extraConfig"/>).</summary>
    public async Task<SecureNatsServer> StartServerAsync(string extraConfig = "")
    {
        var server = SecureNatsServer.Create();
        try
        {
            server.CopyNextToConfig(ShippedFile);
            foreach (var user in All)
            {
                server.WithEnvironment(user.PasswordVariable, PasswordOf(user));
            }

            await server.StartAsync("include ./permissions.conf\n" + extraConfig);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>Nats:Credentials</c> of the host for the four identities.</summary>
    public Dictionary<string, string?> HostSettings()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var user in All)
        {
            settings[$"Nats:Credentials:{user.Identity}:User"] = user.User;
            settings[$"Nats:Credentials:{user.Identity}:Password"] = PasswordOf(user);
        }

        return settings;
    }

    /// <summary>A connection of the test's own as this user, with the user's inbox prefix.</summary>
    public Task<SecureNatsClient> ConnectAsync(SecureNatsServer server, ModuleUser user)
        => SecureNatsClient.ConnectAsUserAsync(server.Url, user.User, PasswordOf(user), user.InboxPrefix);

    /// <summary>The operator's view of the stream (counts, consumers) through the shared probe.</summary>
    public BrokerProbe OperatorProbe(SecureNatsServer server)
        => new($"nats://{Operator.User}:{PasswordOf(Operator)}@127.0.0.1:{server.Port}");
}
