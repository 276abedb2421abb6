using System.Text.Json.Serialization;

namespace OrderHost.Orders.Contracts;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OrderCreated))]
internal sealed partial class OrdersJsonContext : JsonSerializerContext;
