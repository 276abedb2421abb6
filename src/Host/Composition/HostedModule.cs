using System.Reflection;

namespace OrderHost.Host.Composition;

/// <summary>One row of the module table: what the host needs to know to run a module.</summary>
/// <param name="Name">The module's name, as toggles and NATS identities spell it (<c>Payments</c>).</param>
/// <param name="Assembly">The module's own assembly; its contracts are <c>{assembly}.Contracts</c>.</param>
/// <param name="Register">The module's one entry point (<c>builder.AddPaymentsModule()</c>).</param>
/// <param name="MapsEndpoints">Whether its assembly holds HTTP endpoints to map.</param>
public sealed record HostedModule(string Name, Assembly Assembly, Action<IHostApplicationBuilder> Register, bool MapsEndpoints = false)
{
    public override string ToString() => Name;
}
