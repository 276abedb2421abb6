using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Consuming;

/// <summary>A decoded event with the delivery facts a handler may need.</summary>
public sealed class MessageContext<TEvent>(TEvent evt, DeliveryInfo delivery)
    where TEvent : class, IIntegrationEvent
{
    public TEvent Event { get; } = evt;

    public DeliveryInfo Delivery { get; } = delivery;

    public string CorrelationId => Delivery.CorrelationId ?? Event.AggregateId.ToString();
}
