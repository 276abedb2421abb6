using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// <c>orders.created</c> bodies as another (older, newer or hostile) publisher would put them straight
/// onto the stream, with the contract's headers (<c>Nats-Msg-Id</c> = <c>{orderId}:created</c>).
/// </summary>
public static class OrderCreatedEvents
{
    public static readonly string Subject = OrderEvents.Created.Subject;

    /// <summary>The OrderCreatedV1 shape: no customerEmail, no shippingAddress.</summary>
    public static JsonObject Version1(Guid orderId, string customerId, decimal unitPrice, int quantity = 1) => new()
    {
        ["version"] = 1,
        ["orderId"] = orderId.ToString("D"),
        ["customerId"] = customerId,
        ["items"] = new JsonArray(OrderBodies.Line("SKU-V1", quantity, unitPrice)),
        ["total"] = quantity * unitPrice,
        ["currency"] = "EUR",
        ["acceptedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    };

    /// <summary>Version 2, with the optional customerEmail and shippingAddress filled in.</summary>
    public static JsonObject Version2(Guid orderId, string customerId, decimal unitPrice, int quantity = 1)
    {
        var body = Version1(orderId, customerId, unitPrice, quantity);
        body["version"] = 2;
        body["items"] = new JsonArray(OrderBodies.Line("SKU-V2", quantity, unitPrice));
        body["currency"] = "USD";
        body["customerEmail"] = "customer@example.org";
        body["shippingAddress"] = new JsonObject
        {
            ["line1"] = "1 Main Street",
            ["line2"] = null,
            ["city"] = "Springfield",
            ["postalCode"] = "12345",
            ["country"] = "US",
        };
        return body;
    }

    public static byte[] Bytes(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString());

    /// <summary>Fresh headers per publish (the client writes into the instance it is given).</summary>
    public static NatsHeaders Headers(Guid orderId, string? correlationId = null) => new()
    {
        ["Nats-Msg-Id"] = $"{orderId:D}:created",
        ["X-Correlation-Id"] = correlationId ?? orderId.ToString("D"),
    };
}
