using OrderHost.Messaging.Events;

namespace OrderHost.Tests.Kernel;

/// <summary>A shipment was packed and handed to a carrier.</summary>
internal sealed record ShipmentPacked(int Version, Guid ShipmentId, string Carrier) : IIntegrationEvent
{
    public const int CurrentVersion = 1;

    Guid IIntegrationEvent.AggregateId => ShipmentId;
}
