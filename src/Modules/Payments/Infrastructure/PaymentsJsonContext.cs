using System.Text.Json.Serialization;

namespace OrderHost.Payments.Infrastructure;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PaymentRecord))]
internal sealed partial class PaymentRecordsJsonContext : JsonSerializerContext;
