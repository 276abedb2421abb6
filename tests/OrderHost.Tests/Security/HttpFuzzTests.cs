using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using OrderHost.Orders.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// Mutation fuzzing of POST /orders through Kestrel with a fixed seed (in the test name, so a failure
/// reproduces): never a 5xx, only the requests answered 202 put anything on orders.created, and none whose JSON
/// the README does not allow (a quoted number, a comment, a trailing comma, …) is accepted.
/// </summary>
[TestFixture]
public sealed class HttpFuzzTests : OrderHostFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;
    private const int Requests = 1200;
    private const int Parallelism = 8;
    private HttpClient? _http;

    [OneTimeSetUp]
    public void CreateRawClient()
        => _http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = Host.Api.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    [OneTimeTearDown]
    public void DisposeRawClient() => _http?.Dispose();

    [TestCase(20261126, TestName = "Fuzz POST /orders with 1200 mutations (seed 20261126): never 5xx, only 202s publish")]
    [TestCase(424242, TestName = "Fuzz POST /orders with 1200 mutations (seed 424242): never 5xx, only 202s publish")]
    public async Task Mutated_requests_never_cause_a_server_error_and_only_accepted_ones_publish(int seed)
    {
        var fuzzer = new OrderRequestFuzzer(seed);
        var requests = fuzzer.Generate(Requests);
        var before = await Broker.ReadOrderIdsAsync(Created);
        var results = new ConcurrentBag<(FuzzRequest Request, ApiResponse? Response, string? Error)>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(
            requests,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (request, ct) =>
            {
                try
                {
                    results.Add((request, await SendAsync(request, ct), null));
                }
                catch (HttpRequestException ex)
                {
                    results.Add((request, null, $"{ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}"));
                }
            });

        var after = await Broker.ReadOrderIdsAsync(Created);
        Report(seed, results, clock.Elapsed);

        var serverErrors = results.Where(r => r.Response is { } response && (int)response.Status >= 500).ToList();
        var transportErrors = results.Where(r => r.Error is not null).ToList();
        var accepted = results.Where(r => r.Response?.Status == HttpStatusCode.Accepted).Select(r => OrderApiClient.OrderIdOf(r.Response!)).ToHashSet();
        var published = after.Skip(before.Count).ToList();
        var looseAccepted = results.Where(r => r.Request.Loosening is not null && r.Response is { } response && (int)response.Status < 300).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(serverErrors.Select(r => $"{r.Response}\n    for {r.Request}"), Is.Empty, $"5xx answers (seed {seed})");
            Assert.That(transportErrors.Select(r => $"{r.Error}\n    for {r.Request}"), Is.Empty, $"requests without any answer (seed {seed})");
            Assert.That(published, Is.EquivalentTo(accepted), $"orders.created published during the run vs. order ids answered 202 (seed {seed})");
            Assert.That(
                looseAccepted.Select(r => $"{r.Response}\n    for {r.Request}"),
                Is.Empty,
                $"requests with JSON the README does not allow (quoted number, comment, trailing comma, other letter case, repeated property) that were accepted (seed {seed})");
        }
    }

    /// <summary>
    /// One connection per request (Connection: close): an answer that never comes is then the server's doing
    /// for this very request, not a keep-alive connection that an earlier answer left half-closed (that is
    /// its own test: <see cref="HostileInputTests"/>).
    /// </summary>
    private async Task<ApiResponse> SendAsync(FuzzRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new ByteArrayContent(request.Body) };
        message.Headers.ConnectionClose = true;
        if (request.ContentType is not null)
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        if (request.IdempotencyKey is not null)
        {
            message.Headers.TryAddWithoutValidation(OrderApiClient.IdempotencyKeyHeader, request.IdempotencyKey);
        }

        if (request.CorrelationId is not null)
        {
            message.Headers.TryAddWithoutValidation(OrderApiClient.CorrelationIdHeader, request.CorrelationId);
        }

        var clock = Stopwatch.StartNew();
        using var response = await _http!.SendAsync(message, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, null, clock.Elapsed);
    }

    private static void Report(int seed, IEnumerable<(FuzzRequest Request, ApiResponse? Response, string? Error)> results, TimeSpan elapsed)
    {
        var list = results.ToList();
        TestContext.Out.WriteLine($"seed {seed}: {list.Count} requests in {elapsed.TotalSeconds:0.0} s");
        foreach (var group in list.GroupBy(r => r.Response is { } response ? $"{(int)response.Status} {response.MediaType ?? "no body type"}" : "no answer").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            TestContext.Out.WriteLine($"  {group.Key}: {group.Count()}  e.g. {group.First().Request}");
        }

        foreach (var failure in list.Where(r => r.Response is { } response && (int)response.Status >= 500).GroupBy(r => r.Request.ContentType ?? "(none)"))
        {
            TestContext.Out.WriteLine($"  5xx with content type {failure.Key}: {failure.Count()}");
        }

        var loose = list.Where(r => r.Request.Loosening is not null).ToList();
        TestContext.Out.WriteLine($"  loosened: {loose.Count}, answered " + string.Join(", ", loose
            .GroupBy(r => r.Response is { } response ? ((int)response.Status).ToString(CultureInfo.InvariantCulture) : "nothing")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: {g.Count()}")));

        var leaking = list.Where(r => r.Response is { } response && SafeProblemAssert.LeaksIn(response.Body).Count > 0).ToList();
        TestContext.Out.WriteLine($"  answers naming internals (type names, exceptions): {leaking.Count}");
        foreach (var r in leaking.Take(3))
        {
            TestContext.Out.WriteLine($"    {r.Response} for {r.Request}");
        }
    }
}
