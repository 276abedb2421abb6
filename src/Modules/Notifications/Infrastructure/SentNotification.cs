using System.Text.Json.Serialization;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>
/// A notification that was sent, written once <c>orders.notified</c> is in the stream. <see cref="EventPublished"/>
/// is false only in records of the first version, which wrote the record before publishing and marked it after.
/// </summary>
internal sealed record SentNotification(DateTimeOffset SentAt, bool EventPublished = false);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SentNotification))]
internal sealed partial class SentNotificationJsonContext : JsonSerializerContext;
