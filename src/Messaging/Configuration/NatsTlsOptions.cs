namespace OrderHost.Messaging.Configuration;

/// <summary>Client TLS to NATS, bound from <c>Nats:Tls</c>. Off unless a CA file or <see cref="Required"/> is set.</summary>
public sealed class NatsTlsOptions
{
    /// <summary>PEM file of the CA that signed the server certificate.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate, for servers that verify clients (mutual TLS).</summary>
    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>The name to verify in the server certificate when it differs from the URL's host.</summary>
    public string? ServerName { get; set; }

    /// <summary>Require TLS even without a CA file (the system's trust store then verifies the server).</summary>
    public bool Required { get; set; }

    public bool Enabled => Required || CaFile is not null || CertFile is not null;
}
