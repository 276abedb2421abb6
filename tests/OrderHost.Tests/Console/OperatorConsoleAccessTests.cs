using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.JetStream;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Console;

/// <summary>
/// Nothing of the console without the key: every page sends to the sign-in form, every action is refused and
/// changes nothing, a signed-in action without its antiforgery token is refused too, and a host without
/// Admin:ApiKey has no console at all. The operator API's pause and resume.
/// </summary>
[TestFixture]
public sealed class OperatorConsoleAccessTests : ConsoleFixture
{
    private static readonly string[] Pages = ["", "/", "/dead-letters", "/dead-letters/1", "/orders?q=x", "/consumers"];

    [Test]
    public async Task Without_signing_in_every_page_and_action_is_refused()
    {
        var letter = await PoisonDeadLetterAsync();
        using var anonymous = new ConsoleHttpSession(Host.Api.BaseAddress);
        using var signedIn = new ConsoleHttpSession(Host.Api.BaseAddress);
        var signIn = await signedIn.SignInAsync(ApiKey);
        var setCookie = string.Join("\n", signIn.Headers.GetValues("Set-Cookie"));

        // A real token from the anonymous session's own form: without a session it still opens nothing.
        var anonymousToken = await anonymous.FormTokenAsync("/admin/console/login");
        var actions = Actions(letter.Sequence).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signing in with the key");
            Assert.That(setCookie, Does.Contain("OrderHost.Console=").And.Contain("httponly").IgnoreCase.And.Contain("samesite=strict").IgnoreCase, "the session cookie");
            foreach (var page in Pages)
            {
                var response = await anonymous.GetAsync("/admin/console" + page);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"GET {page} signed out");
                Assert.That(response.Headers.Location?.ToString(), Does.Contain("/admin/console/login"), $"GET {page} signed out");
                Assert.That((await signedIn.GetAsync("/admin/console" + page)).StatusCode, Is.EqualTo(HttpStatusCode.OK).Or.EqualTo(HttpStatusCode.NotFound), $"GET {page} signed in");
            }

            foreach (var (path, form) in actions)
            {
                var signedOut = await anonymous.PostFormAsync(path, [.. form, new("__csrf", anonymousToken)]);
                var withoutToken = await signedIn.PostFormAsync(path, form);
                Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"POST {path} signed out");
                Assert.That(signedOut.Headers.Location?.ToString(), Does.Contain("/admin/console/login"), $"POST {path} signed out");
                Assert.That(withoutToken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"POST {path} signed in without the antiforgery token");
            }

            var wrongKey = await anonymous.SignInAsync(ApiKey + "x");
            Assert.That(wrongKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "signing in with a wrong key");
            Assert.That(wrongKey.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("OrderHost.Console=", StringComparison.Ordinal)), Is.False, "no session for a wrong key");
            Assert.That(await Host.Services.GetRequiredService<DeadLetterStore>().FindAsync(letter.Sequence, CancellationToken.None), Is.Not.Null, "the dead letter after every refused action");
            Assert.That((await Broker.FindConsumerAsync(PaymentConsumers.Processor))?.IsPaused, Is.False, "the consumer after every refused action");
        }
    }

    [Test]
    public async Task Without_an_api_key_configured_the_console_does_not_exist()
    {
        await using var bare = await RunningOrderHost.StartAsync(Server, RunningOrderHost.WithoutModules());
        using var session = new ConsoleHttpSession(bare.Api.BaseAddress);
        using (Assert.EnterMultipleScope())
        {
            foreach (var page in Pages.Append("/login"))
            {
                Assert.That((await session.GetAsync("/admin/console" + page)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"GET {page}");
            }

            var signIn = await session.PostFormAsync("/admin/console/login", [new("key", string.Empty)]);
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "POST /login");
        }
    }

    [Test]
    public async Task A_process_running_one_module_shows_every_consumer_and_says_where_the_others_run()
    {
        await using var ordersOnly = await RunningOrderHost.StartAsync(Server, new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = ApiKey,
            ["Modules:Payments:Enabled"] = "false",
            ["Modules:Notifications:Enabled"] = "false",
        });
        using var session = new ConsoleHttpSession(ordersOnly.Api.BaseAddress);
        Assert.That((await session.SignInAsync(ApiKey)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signing in");

        var overview = await (await session.GetAsync("/admin/console")).Content.ReadAsStringAsync();
        var consumers = await (await session.GetAsync("/admin/console/consumers")).Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(overview, Does.Contain("not here (runs where Payments runs)"), "payment-processor on the overview");
            Assert.That(overview, Does.Contain("not here (runs where Notifications runs)"), "the notifiers on the overview");
            Assert.That(overview, Does.Match(@"<td>Orders</td>\s*<td>yes</td>"), "Orders runs here");
            Assert.That(overview, Does.Match(@"<td>Payments</td>\s*<td>no: another process runs it</td>"), "Payments runs elsewhere");
            Assert.That(consumers, Does.Match($@"data-consumer=""{PaymentConsumers.Processor}"">\s*<td>{PaymentConsumers.Processor}</td>\s*<td>Payments <span class=""muted"">\(another process\)</span>"), "payment-processor on the consumers page");
        }
    }

    [Test]
    public async Task The_operator_api_pauses_and_resumes_a_consumer()
    {
        const string consumer = NotificationConsumers.Failed;
        using var http = new HttpClient { BaseAddress = Host.Api.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var until = DateTimeOffset.UtcNow.AddMinutes(10);

        var paused = await http.PostAsJsonAsync($"/admin/consumers/{consumer}/pause", new { pauseUntil = until });
        var pausedBody = await paused.Content.ReadAsStringAsync();
        var isPaused = (await Broker.FindConsumerAsync(consumer))?.IsPaused;
        var resumed = await http.PostAsync($"/admin/consumers/{consumer}/resume", null);
        var resumedBody = await resumed.Content.ReadAsStringAsync();
        var past = await http.PostAsJsonAsync($"/admin/consumers/{consumer}/pause", new { pauseUntil = DateTimeOffset.UtcNow.AddMinutes(-1) });
        var unknown = await http.PostAsJsonAsync("/admin/consumers/no-such-consumer/pause", new { pauseUntil = until });
        http.DefaultRequestHeaders.Remove("X-Api-Key");
        var withoutKey = await http.PostAsync($"/admin/consumers/{consumer}/resume", null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(paused.StatusCode, Is.EqualTo(HttpStatusCode.OK), pausedBody);
            Assert.That(pausedBody, Does.Contain("\"paused\":true"), pausedBody);
            Assert.That(isPaused, Is.True, "the server's consumer after the pause");
            Assert.That(resumed.StatusCode, Is.EqualTo(HttpStatusCode.OK), resumedBody);
            Assert.That((await Broker.FindConsumerAsync(consumer))?.IsPaused, Is.False, "the server's consumer after the resume");
            Assert.That(past.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a pause until a time gone by");
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "pausing a consumer that does not exist");
            Assert.That(withoutKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "resuming without the key");
        }
    }

    /// <summary>Every console action, as its form posts it, aimed at a real dead letter and a real consumer.</summary>
    private static IEnumerable<(string Path, KeyValuePair<string, string>[] Form)> Actions(ulong sequence)
    {
        var seq = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return ("/admin/console/dead-letters?handler=Replay", [new("selected", seq)]);
        yield return ("/admin/console/dead-letters?handler=Delete", [new("selected", seq)]);
        yield return ($"/admin/console/dead-letters/{seq}?handler=Replay", []);
        yield return ($"/admin/console/dead-letters/{seq}?handler=Delete", []);
        yield return ("/admin/console/consumers?handler=Pause", [new("name", PaymentConsumers.Processor), new("minutes", "5")]);
        yield return ("/admin/console/consumers?handler=Resume", [new("name", PaymentConsumers.Processor)]);
        yield return ("/admin/console/consumers?handler=Replay", [new("name", PaymentConsumers.Processor), new("fromSequence", "1")]);
        yield return ("/admin/console/login?handler=SignOut", []);
    }

    /// <summary>Malformed JSON on orders.created: dead-lettered by payment-processor on its first delivery.</summary>
    private async Task<DeadLetter> PoisonDeadLetterAsync()
    {
        var subject = LedgerSubjects.For(OrderEvents.Created.Subject, Guid.NewGuid());
        var ack = await Broker.JetStream.PublishAsync(subject, Encoding.UTF8.GetBytes("{ not json"), NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = $"poison-{Guid.NewGuid():N}" });
        Assert.That(ack.Error, Is.Null, "publishing the poison message");
        var store = Host.Services.GetRequiredService<DeadLetterStore>();
        return (await Eventually.Until(
            async () => (await store.ListAsync(0, DeadLetterStore.MaxPageSize, CancellationToken.None)).FirstOrDefault(l => l.StreamSequence == ack.Seq),
            l => l is not null,
            "the poison message dead-lettered",
            Patience))!;
    }
}
