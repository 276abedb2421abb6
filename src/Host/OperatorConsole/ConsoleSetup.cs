using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using OrderHost.Host.Admin;
using OrderHost.Host.OperatorConsole.Charts;
using OrderHost.Host.OperatorConsole.Reads;

namespace OrderHost.Host.OperatorConsole;

/// <summary>
/// The operator console: server-rendered pages under <see cref="BasePath"/>, on only when <c>Admin:ApiKey</c>
/// is set (else every console path answers 404, as the operator API does). Signing in with the key sets an
/// HttpOnly, SameSite=Strict cookie naming a digest of the key, so changing the key ends every session; every
/// form carries an antiforgery token that Razor Pages checks on each POST.
/// </summary>
internal static class ConsoleSetup
{
    public const string BasePath = "/admin/console";
    public const string Scheme = "OrderHostConsole";
    public const string KeyClaim = "orderhost:admin-key";
    private const string Policy = "OrderHostConsole";

    public static void AddOrderHostConsole(this WebApplicationBuilder builder)
    {
        var check = ApiKeyCheck.From(builder.Configuration);
        if (!check.Enabled)
        {
            return;
        }

        var services = builder.Services;
        services.AddOptions<ConsoleOptions>().Bind(builder.Configuration.GetSection(ConsoleOptions.SectionName));
        var sessionLifetime = builder.Configuration.GetSection(ConsoleOptions.SectionName).Get<ConsoleOptions>()?.SessionLifetime ?? new ConsoleOptions().SessionLifetime;
        services.AddSingleton(check);
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/OperatorConsole/Pages";
            o.Conventions.AuthorizeFolder("/", Policy);
            o.Conventions.AllowAnonymousToPage("/Login");
        }).ConfigureApplicationPartManager(AddHostPages);
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "OrderHost.Console";
            o.Cookie.Path = BasePath;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = sessionLifetime;
            o.SlidingExpiration = true;
            o.LoginPath = BasePath + "/login";
            o.LogoutPath = BasePath + "/login";
            o.AccessDeniedPath = BasePath + "/login";
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireClaim(KeyClaim, check.Fingerprint!));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "OrderHost.Console.Antiforgery";
            o.Cookie.Path = BasePath;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__csrf";
        });

        services.AddSingleton<ModuleMap>();
        services.AddSingleton<OperatorStreamReads>();
        services.AddSingleton<ConsumerOverview>();
        services.AddSingleton<DeadLetterSearch>();
        services.AddSingleton<OrderLookup>();
        services.AddSingleton<SampleHistory>();
        services.AddHostedService<ConsoleSampler>();
    }

    public static void MapOrderHostConsole(this WebApplication app)
    {
        if (app.Services.GetService<ApiKeyCheck>() is null)
        {
            app.Map(BasePath + "/{**rest}", () => TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The operator console is off: set Admin__ApiKey to enable it."))
                .ExcludeFromDescription();
            return;
        }

        // Console pages are never cached, framed or sniffed.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(BasePath), console => console.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-store";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            return next(context);
        }));
        app.MapRazorPages();
    }

    /// <summary>
    /// The pages are compiled into the host's assembly. MVC looks for them in the entry assembly, which is the host's
    /// only when it runs as its own program (not when tests build it), so the assembly is named unless it is there.
    /// </summary>
    private static void AddHostPages(ApplicationPartManager parts)
    {
        var assembly = typeof(ConsoleSetup).Assembly;
        if (parts.ApplicationParts.Any(p => p.Name == assembly.GetName().Name))
        {
            return;
        }

        foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
        {
            parts.ApplicationParts.Add(part);
        }
    }

    /// <summary>The signed-in operator: the claim names the key it was signed in with.</summary>
    public static ClaimsPrincipal Operator(ApiKeyCheck check)
        => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(KeyClaim, check.Fingerprint!)], Scheme));
}
