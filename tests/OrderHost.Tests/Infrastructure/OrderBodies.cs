using System.Text.Json.Nodes;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Order request bodies as JSON nodes, so a test can change exactly the part it is about.</summary>
public static class OrderBodies
{
    /// <summary>A customer id no other test uses, so effects can be told apart on a shared server.</summary>
    public static string UniqueCustomerId() => $"c-{Guid.NewGuid():N}";

    /// <summary>One line of <paramref name="quantity"/> × <paramref name="unitPrice"/> and the matching total.</summary>
    public static JsonObject OneLine(decimal unitPrice, int quantity = 1, string? customerId = null) => new()
    {
        ["customerId"] = customerId ?? UniqueCustomerId(),
        ["items"] = new JsonArray(Line("SKU-1", quantity, unitPrice)),
        ["total"] = quantity * unitPrice,
    };

    /// <summary>The paid-path example of the contract: one line of 42.5, total 42.5, no currency.</summary>
    public static JsonObject Paid(string? customerId = null) => OneLine(42.5m, customerId: customerId);

    /// <summary>At the default approval limit (10000) or above: the payment fails.</summary>
    public static JsonObject OverApprovalLimit(string? customerId = null) => OneLine(12000m, customerId: customerId);

    public static JsonObject Line(string sku, int quantity, decimal unitPrice) => new()
    {
        ["sku"] = sku,
        ["quantity"] = quantity,
        ["unitPrice"] = unitPrice,
    };
}
