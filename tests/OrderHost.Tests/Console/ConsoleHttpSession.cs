using System.Net;
using System.Text.RegularExpressions;

namespace OrderHost.Tests.Console;

/// <summary>Plain HTTP against the console, with or without a signed-in cookie; redirects are not followed so a refusal shows as it is.</summary>
public sealed partial class ConsoleHttpSession : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleHttpSession(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form)
        => _http.PostAsync(path, new FormUrlEncodedContent(form));

    /// <summary>The antiforgery token of the form on <paramref name="path"/> (its cookie lands in <see cref="Cookies"/>).</summary>
    public async Task<string> FormTokenAsync(string path)
    {
        var html = await (await _http.GetAsync(path)).Content.ReadAsStringAsync();
        return Token().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new AssertionException($"No antiforgery token on {path}: {html}");
    }

    /// <summary>Signs in through the form; returns the sign-in answer.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var token = await FormTokenAsync("/admin/console/login");
        return await PostFormAsync("/admin/console/login", [new("key", key), new("__csrf", token)]);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
