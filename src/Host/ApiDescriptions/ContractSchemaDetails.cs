using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// What the generator gets wrong about the contract, put right so generated clients and validators agree with the API:
/// ids are <c>format: uuid</c> (the registry's name; generators map it to a UUID type, not "guid"), including the order id
/// in the path (anything else is a 400); a required string the API refuses empty has <c>minLength</c> 1 (the generator
/// writes 0 for NotEmpty + MaximumLength); <c>ProblemDetails</c> carries no framework sample values as defaults; the
/// order answers list every property as required, since the API always writes each one (null where it has no value).
/// </summary>
internal sealed class ContractSchemaDetails : IDocumentProcessor
{
    private const string GeneratorUuid = "guid";
    private const string RegistryUuid = "uuid";
    private const string OrderIdParameter = "orderId";
    private const string ProblemDetailsSchema = "ProblemDetails";
    private static readonly string[] AnswersWrittenInFull = ["Order", "OrderStep", "PlaceOrderResponse"];

    public void Process(DocumentProcessorContext context)
    {
        var document = context.Document;
        var visited = new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in document.Components.Schemas.Values)
        {
            Visit(schema, visited);
        }

        foreach (var parameter in document.Paths.Values.SelectMany(p => p.Values).SelectMany(o => o.Parameters))
        {
            if (parameter.Kind == OpenApiParameterKind.Path && parameter.Name == OrderIdParameter && parameter.Schema is { } schema)
            {
                schema.Format = RegistryUuid;
            }
        }

        foreach (var answer in AnswersWrittenInFull.Where(document.Components.Schemas.ContainsKey).Select(n => document.Components.Schemas[n]))
        {
            foreach (var name in answer.Properties.Keys.Where(n => !answer.RequiredProperties.Contains(n)))
            {
                answer.RequiredProperties.Add(name);
            }
        }

        if (document.Components.Schemas.TryGetValue(ProblemDetailsSchema, out var problem))
        {
            problem.Description = "An RFC 9457 problem: what went wrong (title, detail) and, for a 400, which field and why (errors).";
            foreach (var property in problem.Properties.Values)
            {
                property.Default = null;
            }
        }
    }

    private static void Visit(JsonSchema schema, HashSet<JsonSchema> visited)
    {
        if (!visited.Add(schema))
        {
            return;
        }

        if (schema.Format == GeneratorUuid)
        {
            schema.Format = RegistryUuid;
        }

        foreach (var (name, property) in schema.Properties)
        {
            if (schema.RequiredProperties.Contains(name) && property.Type.HasFlag(JsonObjectType.String) && property.MinLength is 0)
            {
                property.MinLength = 1;
            }

            Visit(property, visited);
        }

        foreach (var nested in new[] { schema.Item, schema.AdditionalPropertiesSchema }.OfType<JsonSchema>().Concat(schema.AllOf).Concat(schema.OneOf).Concat(schema.AnyOf))
        {
            Visit(nested, visited);
        }
    }
}
