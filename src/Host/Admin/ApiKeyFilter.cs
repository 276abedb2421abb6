using System.Security.Cryptography;
using System.Text;

namespace OrderHost.Host.Admin;

/// <summary>
/// Requires <c>X-Api-Key</c> to match; hashing both sides first makes the comparison constant-time whatever the lengths.
/// Without a configured key the operator API is off: 404, as if it were not there.
/// </summary>
internal sealed class ApiKeyFilter(string? apiKey) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    private readonly byte[]? _expected = string.IsNullOrEmpty(apiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expected is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The operator API is off: set Admin__ApiKey to enable it.");
        }

        var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (!CryptographicOperations.FixedTimeEquals(actual, _expected))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing or wrong X-Api-Key");
        }

        return await next(context);
    }
}
