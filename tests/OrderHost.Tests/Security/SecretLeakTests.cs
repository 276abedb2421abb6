using System.Net;
using System.Security.Cryptography;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// With NATS passwords, an nkey seed, a token and the admin key configured (distinctive random values),
/// the pipeline runs — including a failed NATS login and 401 admin calls — and none of the secret values
/// shows up in any log entry (captured at Trace, scopes and exceptions included), /metrics or /health/ready.
/// </summary>
[TestFixture]
public sealed class SecretLeakTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SecureLogCapture _logs = new();
    private readonly List<string> _answers = [];
    private readonly Dictionary<string, string> _secrets = [];
    private Guid _paidOrder;

    [Test]
    public async Task No_secret_appears_in_logs_metrics_or_health_answers()
    {
        var operatorPassword = Secret("operator password");
        var ordersPassword = Secret("orders password");
        var paymentsPassword = Secret("payments password");
        var wrongPassword = Secret("wrong operator password of the failed login");
        var adminKey = Secret("admin key");
        var wrongAdminKey = Secret("wrong admin key presented");
        var nkey = NKeyUser.Create();
        _secrets["notifications nkey seed"] = nkey.Seed;

        await using var server = SecureNatsServer.Create();
        await server.StartAsync($$"""
            authorization {
              users: [
                { user: "orderhost-operator", password: "{{operatorPassword}}" }
                { user: "orderhost-orders", password: "{{ordersPassword}}" }
                { user: "orderhost-payments", password: "{{paymentsPassword}}" }
                { nkey: "{{nkey.PublicKey}}" }
              ]
            }
            """);
        var settings = new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = adminKey,
            ["Nats:Credentials:Operator:User"] = "orderhost-operator",
            ["Nats:Credentials:Operator:Password"] = operatorPassword,
            ["Nats:Credentials:Orders:User"] = "orderhost-orders",
            ["Nats:Credentials:Orders:Password"] = ordersPassword,
            ["Nats:Credentials:Payments:User"] = "orderhost-payments",
            ["Nats:Credentials:Payments:Password"] = paymentsPassword,
            ["Nats:Credentials:Notifications:NKeyFile"] = nkey.WriteKeyPairFile(server.RootDirectory),
        };

        await using (var host = await RunningOrderHost.StartAsync(server.Url, settings, _logs.AddTo()))
        {
            var paid = _paidOrder = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
            var failed = await host.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
            await host.Api.WaitForOrderAsync(paid, o => o.IsCompleted, "completed", Patience);
            await host.Api.WaitForOrderAsync(failed, o => o.IsCompleted, "completed", Patience);

            var refused = await AdminAsync(host.Api, wrongAdminKey);
            var allowed = await AdminAsync(host.Api, adminKey);
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Unauthorized), $"{refused}");
            Assert.That(allowed.Status, Is.EqualTo(HttpStatusCode.OK), $"{allowed}");
            await CollectAnswersAsync(host.Api);
        }

        // A failed login: the operator identity with a wrong password, the notifications identity with the seed inline.
        var intruderSettings = new Dictionary<string, string?>(settings)
        {
            ["Nats:Credentials:Operator:Password"] = wrongPassword,
            ["Nats:Credentials:Notifications:NKeyFile"] = null,
            ["Nats:Credentials:Notifications:NKeySeed"] = nkey.Seed,
        };
        await using (var intruder = await RunningOrderHost.StartAsync(server.Url, intruderSettings, _logs.AddTo(), waitUntilReady: false))
        {
            await Consistently.Holds(
                () => intruder.Api.GetAsync("/health/ready"),
                r => r.Status == HttpStatusCode.ServiceUnavailable,
                "the host with a wrong password to stay not ready",
                TimeSpan.FromSeconds(2));
            await CollectAnswersAsync(intruder.Api);
        }

        Assert.That(server.LogLines().Any(l => l.Contains("authentication error", StringComparison.OrdinalIgnoreCase)), Is.True, "the server saw the failed login");
        await AssertTokenHostLeaksNothingAsync();

        TestContext.Out.WriteLine($"scanned {_logs.Count} log entries and {_answers.Count} HTTP answers for {_secrets.Count} secrets");
        Assert.That(_logs.Count, Is.GreaterThan(100), "log entries captured (the capture works)");
        Assert.That(_logs.Containing(_paidOrder.ToString("D")), Is.Not.Empty, "log entries naming the paid order (the capture sees the app's own lines)");
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in _secrets)
            {
                Assert.That(_logs.Containing(value).Take(3), Is.Empty, $"log entries containing the {name}");
                Assert.That(_answers.Where(a => a.Contains(value, StringComparison.Ordinal)).Take(3), Is.Empty, $"HTTP answers containing the {name}");
            }
        }
    }

    private async Task AssertTokenHostLeaksNothingAsync()
    {
        var token = Secret("NATS token");
        await using var server = SecureNatsServer.Create();
        await server.StartAsync($"authorization {{ token: \"{token}\" }}");
        await using var host = await RunningOrderHost.StartAsync(server.Url, new Dictionary<string, string?> { ["Nats:Credentials:Default:Token"] = token }, _logs.AddTo());
        var orderId = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
        await host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        await CollectAnswersAsync(host.Api);
    }

    private string Secret(string name)
    {
        var value = $"s3cr3t-{RandomNumberGenerator.GetHexString(28, lowercase: true)}";
        _secrets[name] = value;
        return value;
    }

    private async Task CollectAnswersAsync(OrderApiClient api)
    {
        _answers.Add((await api.GetAsync("/metrics")).Body);
        _answers.Add((await api.GetAsync("/health/ready")).Body);
        _answers.Add((await api.GetAsync("/health/live")).Body);
    }

    private async Task<ApiResponse> AdminAsync(OrderApiClient api, string key)
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/dead-letters");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var answer = new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), null, TimeSpan.Zero);
        _answers.Add(answer.Body);
        return answer;
    }
}
