namespace OrderHost.TestSupport;

/// <summary>When a started host counts as up.</summary>
public enum HostReadiness
{
    /// <summary>Started; nothing waited for.</summary>
    Started,

    /// <summary>Its port accepts TCP connections.</summary>
    Listening,

    /// <summary><c>/health/live</c> answers 2xx.</summary>
    Live,

    /// <summary><c>/health/ready</c> answers 2xx: connected, provisioned, consuming.</summary>
    Ready,
}
