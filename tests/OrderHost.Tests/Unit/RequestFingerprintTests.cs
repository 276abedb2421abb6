using OrderHost.Orders.Features.PlaceOrder;

namespace OrderHost.Tests.Unit;

/// <summary>The Idempotency-Key fingerprint hashes what the order says, not how its JSON was spelled.</summary>
[TestFixture]
public sealed class RequestFingerprintTests
{
    [Test]
    public void Trailing_zeros_do_not_change_the_fingerprint()
    {
        var plain = Request(total: 42.5m, unitPrice: 42.5m);
        var padded = Request(total: 42.50m, unitPrice: 42.500m);

        Assert.That(RequestFingerprint.Of(padded), Is.EqualTo(RequestFingerprint.Of(plain)));
    }

    [Test]
    public void Omitted_currency_is_the_same_as_usd()
    {
        Assert.That(RequestFingerprint.Of(Request(currency: null)), Is.EqualTo(RequestFingerprint.Of(Request(currency: "USD"))));
    }

    [TestCase("sku", TestName = "A different sku changes the fingerprint")]
    [TestCase("quantity", TestName = "A different quantity changes the fingerprint")]
    [TestCase("unitPrice", TestName = "A different unit price changes the fingerprint")]
    [TestCase("extraLine", TestName = "An extra line changes the fingerprint")]
    [TestCase("customer", TestName = "A different customer changes the fingerprint")]
    [TestCase("currency", TestName = "A different currency changes the fingerprint")]
    public void Different_order_gives_a_different_fingerprint(string difference)
    {
        var original = Request();
        var changed = Request();
        switch (difference)
        {
            case "sku": changed.Items![0].Sku = "SKU-2"; break;
            case "quantity": changed.Items![0].Quantity = 2; break;
            case "unitPrice": changed.Items![0].UnitPrice = 42.51m; break;
            case "extraLine": changed.Items!.Add(new PlaceOrderItem { Sku = "SKU-2", Quantity = 1, UnitPrice = 0m }); break;
            case "customer": changed.CustomerId = "c-2"; break;
            case "currency": changed.Currency = "EUR"; break;
            default: throw new ArgumentOutOfRangeException(nameof(difference), difference, "unknown difference");
        }

        Assert.That(RequestFingerprint.Of(changed), Is.Not.EqualTo(RequestFingerprint.Of(original)));
    }

    [Test]
    public void Headers_are_not_part_of_the_fingerprint()
    {
        var withHeaders = Request();
        withHeaders.IdempotencyKey = "key-1";
        withHeaders.CorrelationId = "corr-1";

        Assert.That(RequestFingerprint.Of(withHeaders), Is.EqualTo(RequestFingerprint.Of(Request())));
    }

    private static PlaceOrderRequest Request(decimal total = 42.5m, decimal unitPrice = 42.5m, string? currency = null) => new()
    {
        CustomerId = "c-1",
        Items = [new PlaceOrderItem { Sku = "SKU-1", Quantity = 1, UnitPrice = unitPrice }],
        Total = total,
        Currency = currency,
    };
}
