using System.Text.Json.Nodes;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>One case per validation rule of POST /orders (README, "HTTP API": the order body and request headers).</summary>
public static class InvalidOrders
{
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("customerId missing", "customerId", b => b.Remove("customerId"));
        yield return Case("customerId empty", "customerId", b => b["customerId"] = "");
        yield return Case("customerId of 65 characters", "customerId", b => b["customerId"] = new string('c', 65));
        yield return Case("items missing", "items", b => b.Remove("items"));
        yield return Case("items empty", "items", b => b["items"] = new JsonArray());
        yield return Case("101 items", "items", b =>
        {
            b["items"] = new JsonArray([.. Enumerable.Range(1, 101).Select(i => OrderBodies.Line($"SKU-{i}", 1, 1m))]);
            b["total"] = 101m;
        });
        yield return Case("sku empty", "items[0].sku", b => b["items"]![0]!["sku"] = "");
        yield return Case("sku of 65 characters", "items[0].sku", b => b["items"]![0]!["sku"] = new string('s', 65));
        yield return Case("quantity 0", "items[0].quantity", b => b["items"]![0]!["quantity"] = 0);
        yield return Case("quantity 10001", "items[0].quantity", b =>
        {
            b["items"] = new JsonArray(OrderBodies.Line("SKU-1", 10_001, 1m));
            b["total"] = 10_001m;
        });
        yield return Case("negative unitPrice", "items[0].unitPrice", b =>
        {
            // The lines still add up to the total, so only the price rule is broken.
            b["items"] = new JsonArray(OrderBodies.Line("SKU-1", 1, -1m), OrderBodies.Line("SKU-2", 1, 43.5m));
            b["total"] = 42.5m;
        });
        yield return Case("total 0", "total", b =>
        {
            b["items"] = new JsonArray(OrderBodies.Line("SKU-1", 1, 0m));
            b["total"] = 0m;
        });
        yield return Case("total with 3 decimals", "total", b =>
        {
            b["items"] = new JsonArray(OrderBodies.Line("SKU-1", 1, 42.505m));
            b["total"] = 42.505m;
        });
        yield return Case("total not the sum of quantity x unitPrice", "total", b => b["total"] = 50m);
        yield return Case("currency in lower case", "currency", b => b["currency"] = "usd");
        yield return Case("currency not a 3-letter code", "currency", b => b["currency"] = "XXX1");
        yield return Case("currency not an ISO 4217 code", "currency", b => b["currency"] = "ABC");
        yield return Case("total as a string", "total", b => b["total"] = "42.5");
        yield return Case("quantity as a string", "items[0].quantity", b => b["items"]![0]!["quantity"] = "1");
        yield return Case("unitPrice as a string", "items[0].unitPrice", b => b["items"]![0]!["unitPrice"] = "42.5");
        yield return Case("customerId spelt CustomerId", "CustomerId", b =>
        {
            b["CustomerId"] = b["customerId"]!.DeepClone();
            b.Remove("customerId");
        });
        yield return KeyCase("Idempotency-Key of 129 characters", new string('k', 129));
        yield return KeyCase("Idempotency-Key with a space", "key with-space");
        yield return KeyCase("Idempotency-Key with non-ASCII characters", "schlüssel-1");
    }

    private static TestCaseData Case(string description, string field, Action<JsonObject> breakRule)
    {
        var body = OrderBodies.Paid();
        breakRule(body);
        return new TestCaseData(new InvalidOrder(description, body, field)).SetArgDisplayNames(description);
    }

    private static TestCaseData KeyCase(string description, string idempotencyKey)
        => new TestCaseData(new InvalidOrder(description, OrderBodies.Paid(), OrderApiClient.IdempotencyKeyHeader, idempotencyKey))
            .SetArgDisplayNames(description);
}
