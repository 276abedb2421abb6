using System.Net.Http.Headers;
using System.Text.Json;
using OrderHost.Host.OperatorConsole;

namespace OrderHost.Host.Http;

/// <summary>
/// Every error answer is RFC 7807 problem details with no stack trace; Kestrel's own rejections
/// (body too large, bad framing) keep their 4xx status instead of becoming 500.
/// </summary>
internal static class HttpProblemSetup
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddOrderHostHttp(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => StrictJson.Apply(o.SerializerOptions));

        // A minimal API body that cannot be read (the operator API's) then reaches the problem writer as an
        // exception, so its 400 names the field as POST /orders does; otherwise it is a 400 with no reason.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = NameUnreadableBodyField);
        return builder;
    }

    public static void UseOrderHostProblems(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,

            // A client's oversized or broken request is the client's problem: no error log with a stack trace.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.Use(RejectUnreadableBodies);
    }

    /// <summary>
    /// Refuses, before any endpoint reads it, a body that is declared too large (413, and the
    /// connection is closed since the body is not read) or that is not UTF-8 JSON (415).
    /// </summary>
    private static async Task RejectUnreadableBodies(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (request.ContentLength > MaxRequestBodyBytes)
        {
            context.Response.Headers.Connection = "close";
            await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {MaxRequestBodyBytes} bytes.");
            return;
        }

        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody && !IsUtf8Json(request.ContentType) && !IsConsoleForm(request))
        {
            await WriteProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json (UTF-8).");
            return;
        }

        await next();
    }

    private static void NameUnreadableBodyField(ProblemDetailsContext context)
    {
        if (context.Exception is BadHttpRequestException { InnerException: JsonException json })
        {
            var failure = JsonBodyErrors.Describe(json);
            context.ProblemDetails.Detail = failure.ErrorMessage;
            context.ProblemDetails.Extensions[FieldErrors.Member] = FieldErrors.Of((failure.PropertyName, failure.ErrorMessage));
        }
    }

    /// <summary>The operator console's pages post HTML forms; everything else speaks JSON.</summary>
    private static bool IsConsoleForm(HttpRequest request)
        => request.Path.StartsWithSegments(ConsoleSetup.BasePath) && request.HasFormContentType;

    private static bool IsUtf8Json(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charset = mediaType.CharSet?.Trim('"');
        return charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}
