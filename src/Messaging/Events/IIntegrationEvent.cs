namespace OrderHost.Messaging.Events;

/// <summary>Every event body carries its schema version and the order it belongs to.</summary>
public interface IIntegrationEvent
{
    int Version { get; }

    Guid OrderId { get; }
}
