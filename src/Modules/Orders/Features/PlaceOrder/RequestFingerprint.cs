using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrderHost.Orders.Features.PlaceOrder;

/// <summary>
/// A hash of what the order says, not how the JSON spelled it: 42.5 and 42.50, or reordered
/// properties, are the same order; a different line or amount is not.
/// </summary>
internal static class RequestFingerprint
{
    public static string Of(PlaceOrderRequest request)
    {
        var text = new StringBuilder();
        text.Append(request.CustomerId).Append('\n').Append(request.EffectiveCurrency).Append('\n').Append(Canonical(request.Total));
        text.Append('\n').Append(request.CustomerEmail);
        if (request.ShippingAddress is { } a)
        {
            text.Append('\n').Append(a.Line1).Append('\t').Append(a.Line2).Append('\t').Append(a.City).Append('\t').Append(a.PostalCode).Append('\t').Append(a.Country);
        }

        foreach (var item in request.Items ?? [])
        {
            text.Append('\n').Append(item.Sku).Append('\t').Append(item.Quantity.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(Canonical(item.UnitPrice));
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // "G29" drops trailing zeros of a decimal.
    private static string Canonical(decimal value) => value.ToString("G29", CultureInfo.InvariantCulture);
}
