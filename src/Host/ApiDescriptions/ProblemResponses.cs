using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Namotion.Reflection;
using NJsonSchema;
using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// Every answer an operation declares is in the document with a description: the problem answers a minimal API
/// endpoint declares (the operator API's 401, 404, …) get the one <c>ProblemDetails</c> schema the order API uses,
/// whose <c>errors</c> is an array of <c>{name, reason}</c>; a response left without a description gets its reason phrase.
/// </summary>
internal sealed class ProblemResponses : IOperationProcessor
{
    private const string ProblemJson = "application/problem+json";

    public bool Process(OperationProcessorContext context)
    {
        var responses = context.OperationDescription.Operation.Responses;
        if (context is AspNetCoreOperationProcessorContext { ApiDescription.ActionDescriptor.EndpointMetadata: { } metadata })
        {
            foreach (var status in metadata.OfType<IProducesResponseTypeMetadata>().Where(m => m.ContentTypes.Contains(ProblemJson)).Select(m => m.StatusCode))
            {
                var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (responses.ContainsKey(key))
                {
                    continue;
                }

                var schema = context.SchemaGenerator.GenerateWithReferenceAndNullability<JsonSchema>(typeof(FastEndpoints.ProblemDetails).ToContextualType(), false, context.SchemaResolver);
                var response = new OpenApiResponse();
                response.Content[ProblemJson] = new OpenApiMediaType { Schema = schema };
                responses[key] = response;
            }
        }

        foreach (var (status, response) in responses)
        {
            if (string.IsNullOrWhiteSpace(response.Description) && int.TryParse(status, out var code))
            {
                response.Description = ReasonPhrases.GetReasonPhrase(code);
            }
        }

        return true;
    }
}
