namespace OrderHost.Host.Admin;

/// <summary>
/// Requires <c>X-Api-Key</c> to match the configured key.
/// Without a configured key the operator API is off: 404, as if it were not there.
/// </summary>
internal sealed class ApiKeyFilter(ApiKeyCheck check) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!check.Enabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The operator API is off: set Admin__ApiKey to enable it.");
        }

        if (!check.Matches(context.HttpContext.Request.Headers[HeaderName].ToString()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing or wrong X-Api-Key");
        }

        return await next(context);
    }
}
