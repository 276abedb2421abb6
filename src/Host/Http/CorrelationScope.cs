using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Host.Http;

/// <summary>Puts the caller's <c>X-Correlation-Id</c> into the logging scope of the request.</summary>
internal static class CorrelationScope
{
    public const string HeaderName = "X-Correlation-Id";

    public static void UseCorrelationScope(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrderHost.Http");
        app.Use(async (context, next) =>
        {
            var correlationId = context.Request.Headers[HeaderName].ToString();
            if (string.IsNullOrEmpty(correlationId))
            {
                await next(context);
                return;
            }

            using (logger.BeginScope(new LogScope(new KeyValuePair<string, object?>("CorrelationId", correlationId))))
            {
                await next(context);
            }
        });
    }
}
