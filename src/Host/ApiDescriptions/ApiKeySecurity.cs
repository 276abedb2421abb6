using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;
using OrderHost.Host.Admin;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// The one security scheme OrderHost has: the <c>X-Api-Key</c> header, required by the operations behind
/// <see cref="ApiKeyFilter"/> and by no other (the order API is open).
/// </summary>
internal sealed class ApiKeySecurity : IDocumentProcessor, IOperationProcessor
{
    public const string SchemeName = "ApiKey";

    public void Process(DocumentProcessorContext context)
        => context.Document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.ApiKey,
            Name = ApiKeyFilter.HeaderName,
            In = OpenApiSecurityApiKeyLocation.Header,
            Description = "The operator API's key (Admin__ApiKey). Without a configured key the operator API answers 404.",
        };

    public bool Process(OperationProcessorContext context)
    {
        if (context is AspNetCoreOperationProcessorContext { ApiDescription.ActionDescriptor.EndpointMetadata: { } metadata }
            && metadata.OfType<ApiKeyFilter>().Any())
        {
            context.OperationDescription.Operation.Security = [new OpenApiSecurityRequirement { [SchemeName] = [] }];
        }

        return true;
    }
}
