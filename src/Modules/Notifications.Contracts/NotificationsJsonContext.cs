using System.Text.Json.Serialization;

namespace OrderHost.Notifications.Contracts;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CustomerNotified))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
