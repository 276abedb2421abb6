using System.Text.Json;
using FastEndpoints;
using FluentValidation;
using FastEndpoints.Swagger;
using OrderHost.Host.Admin;
using OrderHost.Host.ApiDescriptions;
using OrderHost.Host.Composition;
using OrderHost.Host.OperatorConsole;
using OrderHost.Host.Health;
using OrderHost.Host.Http;
using OrderHost.Host.Telemetry;
using OrderHost.Messaging;

namespace OrderHost.Host;

/// <summary>Composes the process: the enabled modules, HTTP, health, telemetry. Tests build the same application.</summary>
public static class OrderHostApplication
{
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpPortsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpsPortsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = builder.Configuration.GetValue("Host:ShutdownTimeout", TimeSpan.FromSeconds(30));

            // Consumers stop together: one consumer still settling its last messages keeps publishing
            // events, and the others should not be half-way gone by then.
            o.ServicesStopConcurrently = true;
        });
        builder.Services.AddMessaging(builder.Configuration, ModuleTable.Ledger);
        var endpointAssemblies = builder.AddEnabledModules();

        builder.AddOrderHostHttp();
        builder.AddOrderHostTelemetry();
        builder.Services.AddOrderHostHealth();
        builder.AddOrderHostConsole();
        if (endpointAssemblies.Count > 0)
        {
            builder.Services
                .AddFastEndpoints(o =>
                {
                    o.DisableAutoDiscovery = true;
                    o.Assemblies = endpointAssemblies;
                })
                .SwaggerDocument(OpenApiDocumentSetup.Configure);
        }

        var app = builder.Build();
        app.UseOrderHostProblems();
        app.UseCorrelationScope();
        app.MapOrderHostHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOrderHostAdmin();
        app.MapOrderHostConsole();
        app.MapAsyncApiDocument();
        if (endpointAssemblies.Count > 0)
        {
            app.UseFastEndpoints(c =>
            {
                c.Errors.UseProblemDetails(p => p.ResponseBuilder = HeaderErrorNames.Problem);
                c.Binding.JsonExceptionTransformer = JsonBodyErrors.Describe;

                // A body means exactly one thing: a repeated property, one the API does not know (a typo
                // such as "quantiy"), a number in quotes, a comment or a trailing comma is a 400.
                StrictJson.Apply(c.Serializer.Options);
                c.Serializer.ResponseSerializer = SizedJsonResponses.Writer(c.Serializer.Options);
            });

            // Messages name fields as clients spell them ("customerId", not "Customer Id").
            ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
            app.UseSwaggerGen();
        }

        return app;
    }
}
