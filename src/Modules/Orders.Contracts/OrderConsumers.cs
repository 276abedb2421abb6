namespace OrderHost.Orders.Contracts;

/// <summary>Durable consumer names the Orders module owns.</summary>
public static class OrderConsumers
{
    public const string Projection = "order-projection";
}
