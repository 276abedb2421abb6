using System.Net;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Checks that an error answer is RFC 7807 problem details with the expected status.</summary>
public static class ProblemDetailsAssert
{
    public const string MediaType = "application/problem+json";

    public static void HasStatus(ApiResponse response, HttpStatusCode status)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Status, Is.EqualTo(status), $"status of {response}");
            Assert.That(response.MediaType, Is.EqualTo(MediaType), $"content type of {response}");
        }

        Assert.That(response.Json().GetProperty("status").GetInt32(), Is.EqualTo((int)status), $"problem status in {response}");
    }

    /// <summary>400 problem details with a per-field error for <paramref name="field"/> (spelling-insensitive: Idempotency-Key = idempotencyKey).</summary>
    public static void HasFieldError(ApiResponse response, string field)
    {
        HasStatus(response, HttpStatusCode.BadRequest);
        var fields = response.ErrorFields();
        Assert.That(fields.Select(Normalize), Does.Contain(Normalize(field)), $"errors of {response} should name '{field}'");
    }

    private static string Normalize(string field)
        => new([.. field.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '[' or ']').Select(char.ToLowerInvariant)]);
}
