using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Console;

/// <summary>
/// The operator console in a real headless Chromium: sign in, watch a refused webhook's notification arrive as a
/// dead letter, open it, replay it once the receiver takes notifications again and watch the order complete, find
/// the order by its correlation id and read its timeline; pause and resume a consumer. Every page is photographed
/// into the test results.
/// </summary>
[TestFixture]
public sealed partial class OperatorConsoleBrowserTests : ConsoleFixture
{
    private const string NotifierPaid = NotificationConsumers.Paid;
    private static readonly bool[] OriginalThenReplayed = [false, true];
    private static readonly string[] ReplayedTimeline = [OrderEvents.Created.Subject, PaymentEvents.Succeeded.Subject, PaymentEvents.Succeeded.Subject, NotificationEvents.Notified.Subject];

    [Test]
    public async Task An_operator_replays_a_dead_lettered_notification_and_follows_the_order_to_its_end()
    {
        var browser = await BrowserAsync();
        SignIn(browser);

        var overview = browser.Find("#consumers").Text;
        Assert.That(overview, Does.Contain(PaymentConsumers.Processor).And.Contain(NotifierPaid).And.Contain("running"), "the overview's consumers");
        Assert.That(browser.Find("#tile-nats").Text, Does.Contain("Open"), "the NATS connection");

        // The receiver refuses for good: the notification is dead-lettered on its first delivery.
        RefuseWebhooks = true;
        var correlationId = $"console-{Guid.NewGuid():N}";
        var placed = await Host.Api.PostOrderAsync(OrderBodies.Paid(OrderBodies.UniqueCustomerId()), correlationId: correlationId);
        var orderId = Infrastructure.OrderApiClient.OrderIdOf(placed);

        browser.GoTo(ConsoleUrl($"/dead-letters?consumer={NotifierPaid}"));
        var row = browser.WaitFor(
            d => d.FindElements(By.CssSelector("#dead-letters tbody tr")).FirstOrDefault(r => r.Text.Contains(orderId.ToString("D"), StringComparison.Ordinal)),
            "the order's dead letter listed",
            Patience,
            reload: true);
        Assert.That(row!.Text, Does.Contain("refused").And.Contain(NotifierPaid), "the listed dead letter");
        browser.Screenshot("dead-letters");

        row.FindElement(By.CssSelector("a")).Click();
        browser.WaitFor(d => d.FindElements(By.Id("reason")).Count == 1, "the dead letter's page", Patience);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(browser.Find("#reason").Text, Does.Contain("refused the notification: 410"), "the detail's reason");
            Assert.That(browser.Find("#body").Text, Does.Contain(orderId.ToString("D")).And.Contain("\n"), "the body, pretty-printed");
            Assert.That(browser.Find("#headers").Text, Does.Contain("X-Correlation-Id").And.Contain(correlationId), "the headers");
        }

        browser.Screenshot("dead-letter");
        Assert.That((await Host.Api.FindOrderAsync(orderId))?.Notified, Is.False, "the order before the replay");

        // The receiver takes notifications again; the replay completes the order.
        RefuseWebhooks = false;
        browser.ClickAndConfirm(browser.Find("#replay"));
        Assert.That(browser.WaitFor(d => d.FindElement(By.Id("result")).Text, "the replay's result", Patience), Does.Contain("published again"));
        browser.WaitFor(
            d => d.FindElements(By.CssSelector("#timeline tr[data-step='orders.notified']")).Count == 1,
            "the notification on the order's timeline",
            Patience,
            reload: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(browser.Find("#webhook").Text, Does.StartWith("delivered"), "the webhook result");
            Assert.That(browser.FindAll("#timeline tr[data-step='orders.paid']").Select(r => r.Text.Contains("replayed", StringComparison.Ordinal)), Is.EqualTo(OriginalThenReplayed), "the original step and its replayed copy");
            Assert.That((await Host.Api.FindOrderAsync(orderId))?.IsCompleted, Is.True, "the order after the replay");
        }

        // Support staff know only the correlation id.
        browser.GoTo(ConsoleUrl("/orders"));
        browser.Find("#q").SendKeys(correlationId);
        browser.Find("#look-up").Click();
        browser.WaitFor(d => d.FindElements(By.Id("order-id")).Count == 1, "the order found by its correlation id", Patience);
        var created = (await Broker.ReadForOrderAsync(OrderEvents.Created.Subject, orderId)).Single();
        var traceId = created.Header("traceparent")!.Split('-')[1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(browser.Find("#order-id").Text, Is.EqualTo(orderId.ToString("D")), "the order found by correlation id");
            Assert.That(browser.Find("#trace-id").Text, Is.EqualTo(traceId), "the trace id");
            Assert.That(
                browser.FindAll("#timeline tr.step").Select(r => r.GetAttribute("data-step")),
                Is.EqualTo(ReplayedTimeline),
                "the timeline: created, paid, its replayed copy, notified");
            Assert.That(StreamSequences().Matches(browser.Find("#timeline").Text), Is.Not.Empty, "stream sequences shown");
        }

        browser.Screenshot("order-timeline");

        browser.GoTo(ConsoleUrl());
        browser.WaitFor(d => d.FindElements(By.CssSelector("#tile-orders svg.spark")).Count == 1, "the orders chart drawn", Patience, reload: true);
        browser.Screenshot("overview");
    }

    [Test]
    public async Task An_operator_pauses_and_resumes_a_consumer()
    {
        const string consumer = NotificationConsumers.Failed;
        var browser = await BrowserAsync();
        SignIn(browser);
        browser.GoTo(ConsoleUrl("/consumers"));

        browser.ClickAndConfirm(browser.Find($"tr[data-consumer='{consumer}'] button.pause"));
        Assert.That(browser.WaitFor(d => d.FindElement(By.Id("result")).Text, "the pause's result", Patience), Does.Contain("paused until"));
        Assert.That(browser.Find($"tr[data-consumer='{consumer}'] .state").Text, Does.Contain("paused"), "the consumer's state");
        Assert.That((await Broker.FindConsumerAsync(consumer))?.IsPaused, Is.True, "the server's consumer");
        browser.Screenshot("consumers-paused");

        browser.ClickAndConfirm(browser.Find($"tr[data-consumer='{consumer}'] button.resume"));
        Assert.That(browser.WaitFor(d => d.FindElement(By.Id("result")).Text, "the resume's result", Patience), Does.Contain("resumed"));
        Assert.That(browser.Find($"tr[data-consumer='{consumer}'] .state").Text, Does.Contain("active"), "the consumer's state");
        Assert.That((await Broker.FindConsumerAsync(consumer))?.IsPaused, Is.False, "the server's consumer");
    }

    /// <summary>Every test starts signed out and signs in through the form, a wrong key first.</summary>
    private void SignIn(HeadlessChromium browser)
    {
        browser.Driver.Manage().Cookies.DeleteAllCookies();
        browser.GoTo(ConsoleUrl());
        Assert.That(browser.Driver.Url, Does.Contain("/admin/console/login"), "signed out, the console sends to the sign-in form");
        browser.Find("#key").SendKeys(ApiKey + "-wrong");
        browser.Find("#sign-in").Click();
        Assert.That(browser.WaitFor(d => d.FindElement(By.Id("refused")).Text, "the wrong key refused", Patience), Does.Contain("not the operator key"));
        browser.Screenshot("sign-in-refused");
        browser.Find("#key").SendKeys(ApiKey);
        browser.Find("#sign-in").Click();
        browser.WaitFor(d => d.FindElements(By.Id("sign-out")).Count == 1, "signed in", Patience);
    }

    [GeneratedRegex(@"\b\d+\b")]
    private static partial Regex StreamSequences();
}
