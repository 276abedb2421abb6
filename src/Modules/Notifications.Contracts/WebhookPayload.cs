namespace OrderHost.Notifications.Contracts;

/// <summary>
/// The JSON body of the outgoing notification webhook, in the Standard Webhooks shape (type, timestamp, data).
/// The AsyncAPI document describes it from this type.
/// </summary>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, WebhookOrderData Data);

/// <summary>The order the notification is about: its payment outcome, amount and, for a failure, why.</summary>
public sealed record WebhookOrderData(Guid OrderId, string Kind, decimal Amount, string Currency, string? Detail);
