using System.Text.Json.Serialization;

namespace OrderHost.Payments.Contracts;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PaymentSucceeded))]
[JsonSerializable(typeof(PaymentFailed))]
internal sealed partial class PaymentsJsonContext : JsonSerializerContext;
