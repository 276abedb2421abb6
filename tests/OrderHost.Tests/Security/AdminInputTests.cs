using System.Net;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// The operator API's JSON body (<c>POST /admin/consumers/{name}/replay</c>) is as strict as the order's: the
/// minimal API's web defaults would read a quoted number, a property in another letter case, a repeated or an
/// unknown property. Each is a 400 problem-details answer naming the field, and the consumer is not moved.
/// </summary>
[TestFixture]
public sealed class AdminInputTests : OrderHostFixture
{
    private const string ApiKey = "admin-input-key";
    private const string Consumer = PaymentConsumers.Processor;

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?> { ["Admin:ApiKey"] = ApiKey };

    [TestCase("""{"fromSequence":"1"}""", "fromSequence", "unquoted number", TestName = "Replay body with fromSequence as a string is refused naming it")]
    [TestCase("""{"fromTime":1767225600}""", "fromTime", "wrong type", TestName = "Replay body with fromTime as a number is refused naming it")]
    [TestCase("""{"FromSequence":1}""", "FromSequence", "unknown property 'FromSequence'", TestName = "Replay body with FromSequence in another letter case is refused naming it")]
    [TestCase("""{"fromSequence":1,"fromSequence":2}""", "fromSequence", "more than once", TestName = "Replay body with fromSequence twice is refused naming it")]
    [TestCase("""{"fromSequence":1,"force":true}""", "force", "unknown property 'force'", TestName = "Replay body with an unknown property is refused naming it")]
    [TestCase("""{"fromSequence":1 /* first */}""", "body", "JSON has no comments", TestName = "Replay body with a comment is refused")]
    [TestCase("""{"fromSequence":1,}""", "body", "trailing comma", TestName = "Replay body with a trailing comma is refused")]
    [TestCase("""{"fromSequence":""", "fromSequence", "malformed JSON", TestName = "Replay body cut off is refused")]
    public async Task Loose_replay_body_is_refused_naming_the_field(string json, string field, string reason)
    {
        var response = await Admin.ReplayConsumerAsync(Consumer, json, ApiKey);

        ProblemDetailsAssert.HasFieldError(response, field);
        SafeProblemAssert.IsSafeRefusal(response);
        Assert.That(response.Body, Does.Contain(reason), $"{response}");
    }

    /// <summary>The strict cases above differ from this accepted body in one thing each.</summary>
    [Test]
    public async Task Replay_body_as_documented_is_accepted()
    {
        var response = await Admin.ReplayConsumerAsync(Consumer, """{"fromSequence":1}""", ApiKey);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), $"{response}");
    }
}
