namespace OrderHost.Messaging.Connections;

/// <summary>
/// Who talks to NATS. Each module speaks as itself; provisioning, dead-letter advisories and the
/// operator endpoints speak as <see cref="Operator"/>. An identity without its own credentials
/// in <c>Nats:Credentials</c> shares the <see cref="Default"/> connection.
/// </summary>
public static class MessagingIdentities
{
    public const string Default = "Default";
    public const string Operator = "Operator";

    /// <summary>The identity's own reply subjects (<c>_INBOX_payments</c>), so a server permission can confine it to them.</summary>
    public static string InboxPrefixOf(string identity)
        => identity == Default ? "_INBOX" : $"_INBOX_{identity.ToLowerInvariant()}";
}
