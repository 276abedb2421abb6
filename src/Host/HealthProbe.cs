namespace OrderHost.Host;

/// <summary>
/// <c>OrderHost --probe [url]</c>: a container HEALTHCHECK without curl in the runtime image.
/// Exits 0 when the URL answers 2xx within five seconds.
/// </summary>
internal static class HealthProbe
{
    public const string Flag = "--probe";

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : "http://127.0.0.1:8080/health/live";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"probe {url}: {ex.Message}");
            return 1;
        }
    }
}
