using System.Security.Cryptography;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// Each way <c>Nats:Credentials:{Identity}</c> offers to authenticate (Token, NKeySeed, NKeyFile, and
/// User/Password elsewhere) gets the host connected and an order through, against a server that
/// requires exactly that.
/// </summary>
[TestFixture]
public sealed class NatsAuthenticationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadyPatience = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Host_authenticates_with_a_token()
    {
        var token = $"token-{RandomNumberGenerator.GetHexString(32, lowercase: true)}";
        await using var server = SecureNatsServer.Create();
        await server.StartAsync($"authorization {{ token: \"{token}\" }}");

        await AssertOrderCompletesAsync(server, new Dictionary<string, string?> { ["Nats:Credentials:Default:Token"] = token });
    }

    [Test]
    public async Task Host_authenticates_with_an_inline_nkey_seed()
    {
        var user = NKeyUser.Create();
        await using var server = await StartNKeyServerAsync(user);

        await AssertOrderCompletesAsync(server, new Dictionary<string, string?> { ["Nats:Credentials:Default:NKeySeed"] = user.Seed });
    }

    [Test]
    public async Task Host_authenticates_with_a_seed_only_nkey_file_as_nk_gen_writes_it()
    {
        var user = NKeyUser.Create();
        await using var server = await StartNKeyServerAsync(user);

        await AssertOrderCompletesAsync(server, new Dictionary<string, string?> { ["Nats:Credentials:Default:NKeyFile"] = user.WriteSeedFile(server.RootDirectory) });
    }

    [Test]
    public async Task Host_authenticates_with_an_nkey_file_holding_public_key_and_seed_as_nk_gen_pubout_writes_it()
    {
        var user = NKeyUser.Create();
        await using var server = await StartNKeyServerAsync(user);

        await AssertOrderCompletesAsync(server, new Dictionary<string, string?> { ["Nats:Credentials:Default:NKeyFile"] = user.WriteKeyPairFile(server.RootDirectory) });
    }

    [Test]
    public async Task Host_with_a_wrong_password_does_not_become_ready()
    {
        await using var server = SecureNatsServer.Create();
        await server.StartAsync("authorization { users: [ { user: \"orderhost\", password: \"right-password\" } ] }");
        await using var host = await RunningOrderHost.StartAsync(
            server.Url,
            new Dictionary<string, string?>
            {
                ["Nats:Credentials:Default:User"] = "orderhost",
                ["Nats:Credentials:Default:Password"] = "wrong-password",
                ["Host:ShutdownTimeout"] = "00:00:05",
            },
            waitUntilReady: false);

        await Consistently.Holds(
            () => host.Api.GetAsync("/health/ready"),
            r => r.Status == System.Net.HttpStatusCode.ServiceUnavailable,
            "/health/ready to answer 503",
            TimeSpan.FromSeconds(3));
    }

    /// <summary>
    /// Credentials rotated in the wrong order: the host already has the new password while the server still
    /// knows the old one. Once the server learns the new password, the host must connect by itself (it keeps
    /// retrying a refused server as it keeps retrying an unreachable one), without a restart.
    /// </summary>
    [Test]
    public async Task Host_refused_by_the_server_reports_not_live_and_a_restarted_host_connects_with_the_rotated_password()
    {
        await using var server = SecureNatsServer.Create();
        await server.StartAsync("authorization { users: [ { user: \"orderhost\", password: \"old-password\" } ] }");
        var settings = new Dictionary<string, string?>
        {
            ["Nats:Credentials:Default:User"] = "orderhost",
            ["Nats:Credentials:Default:Password"] = "new-password",
            ["Host:ShutdownTimeout"] = "00:00:05",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        };
        await using (var refused = await RunningOrderHost.StartAsync(server.Url, settings, waitUntilReady: false))
        {
            await Consistently.Holds(
                () => refused.Api.GetAsync("/health/ready"),
                r => r.Status == System.Net.HttpStatusCode.ServiceUnavailable,
                "/health/ready to answer 503 while the server refuses the password",
                TimeSpan.FromSeconds(2));

            // The client gives up on refused credentials for good; the process cannot recover by
            // itself, so it reports not live and the orchestrator restarts it.
            await Eventually.Until(
                () => refused.Api.GetAsync("/health/live"),
                r => r.Status == System.Net.HttpStatusCode.ServiceUnavailable,
                "/health/live to answer 503 once the connection has failed",
                ReadyPatience);
        }

        await server.StopAsync();
        await server.StartAsync("authorization { users: [ { user: \"orderhost\", password: \"new-password\" } ] }");

        await using var restarted = await RunningOrderHost.StartAsync(server.Url, settings, waitUntilReady: false);
        await restarted.WaitUntilReadyAsync(ReadyPatience);
        var orderId = await restarted.Api.PlaceOrderAsync(OrderBodies.Paid());
        await restarted.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
    }

    private static async Task<SecureNatsServer> StartNKeyServerAsync(NKeyUser user)
    {
        var server = SecureNatsServer.Create();
        try
        {
            await server.StartAsync($"authorization {{ users: [ {{ nkey: \"{user.PublicKey}\" }} ] }}");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task AssertOrderCompletesAsync(SecureNatsServer server, Dictionary<string, string?> settings)
    {
        var logs = new SecureLogCapture();
        settings["Host:ShutdownTimeout"] = "00:00:05";
        settings["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None";
        await using var host = await RunningOrderHost.StartAsync(server.Url, settings, logs.AddTo(Microsoft.Extensions.Logging.LogLevel.Warning), waitUntilReady: false);
        try
        {
            await host.WaitUntilReadyAsync(ReadyPatience);
        }
        catch (AssertionException)
        {
            var refusals = server.LogLines().Where(l => l.Contains("auth", StringComparison.OrdinalIgnoreCase)).TakeLast(2);
            var provisioning = logs.Entries.Where(e => !e.Contains("HealthCheck", StringComparison.Ordinal)).TakeLast(3).Select(e => e.Length > 700 ? e[..700] : e);
            Assert.Fail($"The host never became ready.\nnats-server said: {string.Join('\n', refusals)}\nthe host said: {string.Join('\n', provisioning)}\n/health/ready: {await host.Api.GetAsync("/health/ready")}");
        }

        var orderId = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var state = await host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        Assert.That(state.Status, Is.EqualTo("paid"));
    }
}
