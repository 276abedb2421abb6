using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// A nested type's schema is named as one word (<c>ProblemDetailsError</c>, not <c>ProblemDetails_Error</c>), so
/// generated clients get a class name that reads as the contract's. References follow: they point at the schema object.
/// </summary>
internal sealed class NestedSchemaNames : IDocumentProcessor
{
    public void Process(DocumentProcessorContext context)
    {
        var schemas = context.Document.Components.Schemas;
        foreach (var name in schemas.Keys.Where(k => k.Contains('_', StringComparison.Ordinal)).ToList())
        {
            var joined = name.Replace("_", string.Empty, StringComparison.Ordinal);
            if (schemas.ContainsKey(joined))
            {
                continue;
            }

            var schema = schemas[name];
            schemas.Remove(name);
            schemas[joined] = schema;
        }
    }
}
