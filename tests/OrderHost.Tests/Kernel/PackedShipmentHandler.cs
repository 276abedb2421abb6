using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Events;

namespace OrderHost.Tests.Kernel;

/// <summary>The test consumer's handler: records each packed shipment, and refuses one for a carrier it does not know (poison).</summary>
internal sealed class PackedShipmentHandler(PackedShipments packed) : IMessageHandler<ShipmentPacked>
{
    public const string KnownCarrier = "parcel-post";

    public Task HandleAsync(MessageContext<ShipmentPacked> message, CancellationToken cancellationToken)
    {
        if (message.Event.Carrier != KnownCarrier)
        {
            throw new PermanentMessageException($"carrier {message.Event.Carrier} is unknown");
        }

        packed.Ids.TryAdd(message.Event.ShipmentId, 0);
        return Task.CompletedTask;
    }
}
