using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// A refusal that tells the client what is wrong and nothing about the inside: a 4xx status, RFC 7807
/// problem details, no stack trace, no exception or .NET/internal type names.
/// </summary>
public static class SafeProblemAssert
{
    /// <summary>Fragments that only appear when internals leak into an answer.</summary>
    public static readonly IReadOnlyList<string> Leaks = ["   at ", "Exception", "System.", "OrderHost.", "Microsoft.", "FastEndpoints"];

    public static void IsSafeRefusal(ApiResponse response, params HttpStatusCode[] allowed)
    {
        var status = (int)response.Status;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.InRange(400, 499), $"a client error, never 5xx: {response}");
            if (allowed.Length > 0)
            {
                Assert.That(response.Status, Is.AnyOf(allowed.Cast<object>().ToArray()), $"status of {response}");
            }

            Assert.That(response.MediaType, Is.EqualTo(ProblemDetailsAssert.MediaType), $"content type of {response}");
            Assert.That(LeaksIn(response.Body), Is.Empty, $"internals in the body of {response}");
        }

        Assert.That(response.Json().GetProperty("status").GetInt32(), Is.EqualTo(status), $"problem status in {response}");
    }

    public static IReadOnlyList<string> LeaksIn(string body) => [.. Leaks.Where(l => body.Contains(l, StringComparison.Ordinal))];
}
