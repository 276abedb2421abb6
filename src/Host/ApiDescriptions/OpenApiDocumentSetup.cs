using FastEndpoints.Swagger;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// How <c>/swagger/v1/swagger.json</c> reads to third-party tools: only the security scheme that exists,
/// schema names that are the contract's (no code namespaces), parameter names exactly as the API spells them.
/// </summary>
internal static class OpenApiDocumentSetup
{
    public static void Configure(DocumentOptions options)
    {
        // FastEndpoints declares a JWT bearer scheme by default; OrderHost has no JWT.
        options.EnableJWTBearerAuth = false;
        options.ShortSchemaNames = true;
        options.RemoveEmptyRequestSchema = true;

        // Header names are not JSON properties: "Idempotency-Key" stays "Idempotency-Key".
        options.UsePropertyNamingPolicy = false;
        options.DocumentSettings = s =>
        {
            s.DocumentName = "v1";
            s.Title = "OrderHost";
            s.Version = "v1";
            s.Description = "Orders on NATS JetStream. The events these calls cause are described by the AsyncAPI document at /asyncapi/v1/asyncapi.json.";
            var apiKey = new ApiKeySecurity();
            s.DocumentProcessors.Add(apiKey);
            s.DocumentProcessors.Add(new NestedSchemaNames());
            s.DocumentProcessors.Add(new ContractSchemaDetails());
            s.OperationProcessors.Add(apiKey);
            s.OperationProcessors.Add(new HeaderPropertiesOutOfBody());
            s.OperationProcessors.Add(new ProblemResponses());
        };
    }
}
