using System.Text.Json.Serialization;

namespace OrderHost.Tests.Kernel;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ShipmentPacked))]
internal sealed partial class ShipmentJsonContext : JsonSerializerContext;
