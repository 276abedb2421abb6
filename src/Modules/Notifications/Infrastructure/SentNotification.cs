using System.Text.Json.Serialization;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>A notification that was sent; <see cref="EventPublished"/> once <c>orders.notified</c> is in the stream.</summary>
internal sealed record SentNotification(DateTimeOffset SentAt, bool EventPublished = false);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SentNotification))]
internal sealed partial class SentNotificationJsonContext : JsonSerializerContext;
