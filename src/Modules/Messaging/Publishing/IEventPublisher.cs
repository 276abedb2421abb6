using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Publishing;

/// <summary>Publishes an event and returns only once JetStream has stored it (or had it already).</summary>
public interface IEventPublisher
{
    Task<PublishReceipt> PublishAsync<TEvent>(
        EventType<TEvent> type,
        TEvent evt,
        string messageId,
        string correlationId,
        CancellationToken cancellationToken)
        where TEvent : class, IIntegrationEvent;
}
