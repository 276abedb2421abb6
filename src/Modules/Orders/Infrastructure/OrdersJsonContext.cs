using System.Text.Json.Serialization;

namespace OrderHost.Orders.Infrastructure;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IdempotencyRecord))]
internal sealed partial class OrderStateJsonContext : JsonSerializerContext;
