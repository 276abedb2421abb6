using System.Text.Json.Serialization;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>The JSON body of a webhook call, in the Standard Webhooks shape: type, timestamp, data.</summary>
internal sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, WebhookOrderData Data);

internal sealed record WebhookOrderData(Guid OrderId, string Kind, decimal Amount, string Currency, string? Detail);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
