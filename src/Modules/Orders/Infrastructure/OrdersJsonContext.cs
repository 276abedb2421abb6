using System.Text.Json.Serialization;

namespace OrderHost.Orders.Infrastructure;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(OrderStepRecord))]
[JsonSerializable(typeof(IdempotencyRecord))]
internal sealed partial class OrderStateJsonContext : JsonSerializerContext;
