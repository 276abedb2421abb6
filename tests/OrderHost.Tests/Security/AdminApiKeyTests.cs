using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// The operator endpoints exist only with <c>Admin:ApiKey</c>, answer 401 problem details to a missing
/// or wrong <c>X-Api-Key</c>, 200 to the right one, and the key never shows in the host's logs.
/// </summary>
[TestFixture]
public sealed class AdminApiKeyTests : OrderHostFixture
{
    private const string DeadLetters = "/admin/dead-letters";
    private readonly string _apiKey = $"admin-key-{RandomNumberGenerator.GetHexString(32, lowercase: true)}";
    private readonly SecureLogCapture _logs = new();

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?> { ["Admin:ApiKey"] = _apiKey };

    protected override Action<WebApplicationBuilder>? ConfigureHost => _logs.AddTo();

    [TestCase(null, TestName = "Without Admin:ApiKey the operator endpoints do not exist (404)")]
    [TestCase("", TestName = "With an empty Admin:ApiKey the operator endpoints do not exist (404)")]
    public async Task Without_a_key_the_operator_endpoints_do_not_exist(string? configuredKey)
    {
        var settings = new Dictionary<string, string?> { ["Admin:ApiKey"] = configuredKey };
        await using var host = await RunningOrderHost.StartAsync(Server, settings);

        var list = await SendAsync(host.Api, HttpMethod.Get, DeadLetters, apiKey: string.Empty);
        var replay = await SendAsync(host.Api, HttpMethod.Post, "/admin/consumers/payment-processor/replay", apiKey: string.Empty, json: "{\"fromSequence\":1}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(list.Status, Is.EqualTo(HttpStatusCode.NotFound), $"{list}");
            Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.NotFound), $"{replay}");
        }
    }

    [Test]
    public async Task Missing_key_is_refused_with_401_problem_details()
    {
        var response = await SendAsync(Host.Api, HttpMethod.Get, DeadLetters, apiKey: null);

        ProblemDetailsAssert.HasStatus(response, HttpStatusCode.Unauthorized);
    }

    [TestCase("wrong-key", TestName = "A wrong X-Api-Key is refused with 401 problem details")]
    [TestCase("", TestName = "An empty X-Api-Key is refused with 401 problem details")]
    [TestCase("PREFIX", TestName = "A prefix of the X-Api-Key is refused with 401 problem details")]
    [TestCase("UPPER", TestName = "The X-Api-Key in other letter case is refused with 401 problem details")]
    [TestCase("SUFFIXED", TestName = "The X-Api-Key with extra characters is refused with 401 problem details")]
    public async Task Wrong_key_is_refused_with_401_problem_details(string variant)
    {
        var presented = variant switch
        {
            "PREFIX" => _apiKey[..^1],
            "UPPER" => _apiKey.ToUpperInvariant(),
            "SUFFIXED" => _apiKey + "x",
            _ => variant,
        };

        var list = await SendAsync(Host.Api, HttpMethod.Get, DeadLetters, presented);
        var replay = await SendAsync(Host.Api, HttpMethod.Post, "/admin/consumers/payment-processor/replay", presented, "{\"fromSequence\":1}");

        ProblemDetailsAssert.HasStatus(list, HttpStatusCode.Unauthorized);
        ProblemDetailsAssert.HasStatus(replay, HttpStatusCode.Unauthorized);
        Assert.That(list.Body, Does.Not.Contain(_apiKey), "the 401 answer");
    }

    [Test]
    public async Task Right_key_is_let_in_and_never_appears_in_the_logs()
    {
        var response = await SendAsync(Host.Api, HttpMethod.Get, DeadLetters, _apiKey);
        await SendAsync(Host.Api, HttpMethod.Get, DeadLetters, "wrong-" + _apiKey[6..]);
        var metrics = await Host.Api.GetAsync("/metrics");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), $"{response}");
        Assert.That(response.Json().TryGetProperty("items", out _), Is.True, $"a dead-letter page: {response}");
        Assert.That(_logs.Count, Is.GreaterThan(0), "log entries captured (the capture works)");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_logs.Containing(_apiKey), Is.Empty, "log entries containing the API key");
            Assert.That(_logs.Containing(_apiKey[6..]), Is.Empty, "log entries containing most of the API key");
            Assert.That(metrics.Body, Does.Not.Contain(_apiKey[6..]), "/metrics");
        }
    }

    private static async Task<ApiResponse> SendAsync(OrderApiClient api, HttpMethod method, string path, string? apiKey, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), null, clock.Elapsed);
    }
}
