namespace OrderHost.Messaging.Consuming;

/// <summary>Where a message came from and how often it has been delivered.</summary>
public sealed record DeliveryInfo(
    string Consumer,
    string Subject,
    ulong StreamSequence,
    ulong DeliveryCount,
    DateTimeOffset PublishedAt,
    string? CorrelationId);
