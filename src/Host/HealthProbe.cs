using Microsoft.AspNetCore.Http;

namespace OrderHost.Host;

/// <summary>
/// <c>OrderHost --probe [url or /path]</c>: a container HEALTHCHECK without curl in the runtime image.
/// A path is probed on the first http address of <c>ASPNETCORE_URLS</c>, so the check follows the
/// port the host was told to listen on. Exits 0 when the URL answers 2xx within five seconds.
/// </summary>
internal static class HealthProbe
{
    public const string Flag = "--probe";
    public const string DefaultPath = "/health/live";

    // The host's own default address when ASPNETCORE_URLS is unset (see README, Configuration).
    private const string DefaultAddress = "http://127.0.0.1:8080";

    public static async Task<int> RunAsync(string[] args)
    {
        var target = args.Length > 1 ? args[1] : DefaultPath;
        var url = target.StartsWith('/') ? LocalAddress(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")) + target : target;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"probe {url}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Where a probe inside the container reaches the host: the first http entry of an
    /// <c>ASPNETCORE_URLS</c> list, with a listen-on-all host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>)
    /// replaced by the loopback address.
    /// </summary>
    public static string LocalAddress(string? urls)
    {
        var http = (urls ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (http is null)
        {
            return DefaultAddress;
        }

        // Kestrel's own parser of these addresses, wildcards included.
        var address = BindingAddress.Parse(http);
        var host = address.Host is "+" or "*" or "0.0.0.0" or "[::]" ? "127.0.0.1" : address.Host;
        return $"http://{host}:{address.Port}";
    }
}
