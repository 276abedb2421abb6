using OrderHost.Host.Composition;
using OrderHost.Messaging.Connections;

namespace OrderHost.Tests.Security;

/// <summary>The NATS user of one identity in deploy/nats/permissions.conf: its name, password variable and inbox prefix.</summary>
public sealed record ModuleUser(string Identity, string User, string PasswordVariable, string InboxPrefix)
{
    public static readonly ModuleUser Operator = For(MessagingIdentities.Operator);

    public static ModuleUser For(string identity) => new(
        identity,
        $"orderhost-{identity.ToLowerInvariant()}",
        $"ORDERHOST_{identity.ToUpperInvariant()}_PASSWORD",
        MessagingIdentities.InboxPrefixOf(identity));

    /// <summary>The operator and one user per module.</summary>
    public static IReadOnlyList<ModuleUser> AllFor(IEnumerable<HostedModule> modules) => [Operator, .. modules.Select(m => For(m.Name))];

    public override string ToString() => User;
}
