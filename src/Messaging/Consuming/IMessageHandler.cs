using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Consuming;

/// <summary>
/// Application code for one event. Return normally and the kernel acks; throw and it naks with a
/// back-off; throw <see cref="PermanentMessageException"/> and it dead-letters.
/// </summary>
public interface IMessageHandler<TEvent>
    where TEvent : class, IIntegrationEvent
{
    Task HandleAsync(MessageContext<TEvent> message, CancellationToken cancellationToken);
}
