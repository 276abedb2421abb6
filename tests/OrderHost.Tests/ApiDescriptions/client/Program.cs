// Uses the generated client as a user would: places an order (with the two designed headers), reads it back,
// and sends an order whose total is wrong. Prints what it saw as one JSON object for the test to check.
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using OrderHost.Client;
using OrderHost.Client.Models;

var (baseUrl, customerId, idempotencyKey, correlationId) = (args[0], args[1], args[2], args[3]);
using var http = new HttpClient();
var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl };
var client = new OrderHostClient(adapter);

PlaceOrderRequest Order(decimal total) => new()
{
    CustomerId = customerId,
    Items = [new PlaceOrderItem { Sku = "SKU-1", Quantity = 2, UnitPrice = 19.99m }],
    Total = total,
    Currency = "USD",
};

var placed = await client.Orders.PostAsync(Order(39.98m), r =>
{
    r.Headers.Add("Idempotency-Key", idempotencyKey);
    r.Headers.Add("X-Correlation-Id", correlationId);
});
Order? read = await client.Orders[placed!.OrderId!.Value].GetAsync();  // the id is format: uuid, a Guid here

ProblemDetails? problem = null;
try
{
    await client.Orders.PostAsync(Order(39.90m));
}
catch (ProblemDetails refused)
{
    problem = refused;
}

var report = new JsonObject
{
    ["placedOrderId"] = placed.OrderId,
    ["placedStatus"] = placed.Status,
    ["readOrderId"] = read?.OrderId,
    ["readCustomerId"] = read?.CustomerId,
    ["readTotal"] = read?.Total,
    ["problemStatus"] = problem?.ResponseStatusCode,
    ["problemTitle"] = problem?.Title,
    ["problemErrors"] = new JsonArray([.. (problem?.Errors ?? []).Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["reason"] = e.Reason })]),
};
Console.WriteLine(report.ToJsonString());
