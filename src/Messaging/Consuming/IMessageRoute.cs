using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Consuming;

/// <summary>Decodes the bytes of one subject and runs its handler in a fresh scope.</summary>
internal interface IMessageRoute
{
    string Subject { get; }

    IIntegrationEvent Decode(ReadOnlyMemory<byte> data);

    Task InvokeAsync(IServiceProvider services, IIntegrationEvent evt, DeliveryInfo delivery, CancellationToken cancellationToken);
}
