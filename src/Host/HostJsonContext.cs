using System.Text.Json.Serialization;
using OrderHost.Host.Health;

namespace OrderHost.Host;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
