using System.Text.Json.Nodes;

namespace OrderHost.Tests.Integration;

/// <summary>A request that breaks one validation rule, and the field the error must name.</summary>
public sealed record InvalidOrder(string Description, JsonObject Body, string Field, string? IdempotencyKey = null)
{
    public override string ToString() => Description;
}
