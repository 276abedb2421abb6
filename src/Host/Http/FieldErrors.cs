using System.Text.Json.Nodes;

namespace OrderHost.Host.Http;

/// <summary>
/// The <c>errors</c> member of a 400 problem answer outside FastEndpoints (the operator API): an array of
/// <c>{name, reason}</c>, the shape FastEndpoints gives the order API's, so a client reads both APIs alike.
/// </summary>
internal static class FieldErrors
{
    public const string Member = "errors";

    public static JsonArray Of(params (string Name, string Reason)[] errors)
        => [.. errors.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["reason"] = e.Reason })];
}
