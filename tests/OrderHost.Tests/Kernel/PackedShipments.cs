using System.Collections.Concurrent;

namespace OrderHost.Tests.Kernel;

/// <summary>The shipments the handler accepted.</summary>
internal sealed class PackedShipments
{
    public ConcurrentDictionary<Guid, byte> Ids { get; } = new();
}
