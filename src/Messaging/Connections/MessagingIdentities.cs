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
}
