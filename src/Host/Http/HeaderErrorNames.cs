using System.Reflection;
using FastEndpoints;
using FluentValidation.Results;

namespace OrderHost.Host.Http;

/// <summary>
/// FastEndpoints' problem answer, with a header's error named as the header is spelled (<c>Idempotency-Key</c>):
/// FastEndpoints runs every error name through the JSON naming policy, which suits body fields but would
/// answer <c>idempotency-Key</c>.
/// </summary>
internal static class HeaderErrorNames
{
    public static ProblemDetails Problem(List<ValidationFailure> failures, HttpContext context, int status)
    {
        var problem = new ProblemDetails(failures, context.Request.Path, context.TraceIdentifier, status);
        var requestType = context.GetEndpoint()?.Metadata.GetMetadata<EndpointDefinition>()?.ReqDtoType;
        var headers = requestType?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<FromHeaderAttribute>()?.HeaderName)
            .OfType<string>()
            .ToList() ?? [];
        foreach (var error in problem.Errors)
        {
            if (headers.FirstOrDefault(h => string.Equals(h, error.Name, StringComparison.OrdinalIgnoreCase)) is { } header)
            {
                error.Name = header;
            }
        }

        return problem;
    }
}
