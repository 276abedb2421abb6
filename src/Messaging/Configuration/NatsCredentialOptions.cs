namespace OrderHost.Messaging.Configuration;

/// <summary>
/// How one identity authenticates: user and password, a token, an nkey seed, or a credentials
/// (JWT) file. Bound from <c>Nats:Credentials:{Identity}</c>.
/// </summary>
public sealed class NatsCredentialOptions
{
    public string? User { get; set; }

    public string? Password { get; set; }

    public string? Token { get; set; }

    /// <summary>An nkey seed (<c>SU…</c>), inline.</summary>
    public string? NKeySeed { get; set; }

    /// <summary>A file holding the nkey seed.</summary>
    public string? NKeyFile { get; set; }

    /// <summary>A NATS credentials file (JWT and seed).</summary>
    public string? CredsFile { get; set; }

    public bool IsEmpty => User is null && Token is null && NKeySeed is null && NKeyFile is null && CredsFile is null;
}
