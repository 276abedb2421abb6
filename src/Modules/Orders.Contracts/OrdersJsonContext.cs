using System.Text.Json.Serialization;

namespace OrderHost.Orders.Contracts;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OrderCreated))]
[JsonSerializable(typeof(OrderCreatedV1))]
internal sealed partial class OrdersJsonContext : JsonSerializerContext;
