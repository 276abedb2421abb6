namespace OrderHost.Payments.Contracts;

/// <summary>Durable consumer names the Payments module owns.</summary>
public static class PaymentConsumers
{
    public const string Processor = "payment-processor";
}
