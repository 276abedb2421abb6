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
        builder.Services.AddProblemDetails();
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
        app.Use(RejectBodyOverLimit);
    }

    // A declared Content-Length over the limit is refused before any endpoint reads the body.
    private static Task RejectBodyOverLimit(HttpContext context, Func<Task> next)
    {
        if (context.Request.ContentLength > MaxRequestBodyBytes)
        {
            throw new BadHttpRequestException($"The request body is larger than {MaxRequestBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        return next();
    }
}
