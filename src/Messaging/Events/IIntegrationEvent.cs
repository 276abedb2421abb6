namespace OrderHost.Messaging.Events;

/// <summary>
/// Every event body carries its schema version, and belongs to one aggregate: the entity whose history in the ledger
/// (subjects <c>{step}.{aggregateId}</c>) it is part of. A contract maps its own id (say <c>ShipmentId</c>) to it, so the
/// JSON keeps the contract's names.
/// </summary>
public interface IIntegrationEvent
{
    int Version { get; }

    Guid AggregateId { get; }
}
