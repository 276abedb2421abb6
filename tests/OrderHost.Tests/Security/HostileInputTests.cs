using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrderHost.Orders.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// POST /orders against hostile bodies and headers, through the real Kestrel pipeline: every one is
/// refused with a 4xx problem-details answer that shows no internals, and nothing reaches orders.created.
/// Also pins down what the app does with duplicate and unknown JSON properties, JSON the serializer's
/// defaults would have read loosely, and query parameters.
/// </summary>
[TestFixture]
public sealed class HostileInputTests : OrderHostFixture
{
    private static readonly string Created = OrderEvents.Created.Subject;
    private const int Limit = 64 * 1024;

    private OrderApiClient Api => Host.Api;

    public static IEnumerable<TestCaseData> HostileRequests()
    {
        // The size is in a known field: an unknown one would be refused (400) as soon as its name is read.
        var padded = Valid();
        padded["customerId"] = new string('x', Limit);
        yield return Case("body over 64 KiB with Content-Length", () => Bytes(padded.ToJsonString()), HttpStatusCode.RequestEntityTooLarge);
        yield return Case("body over 64 KiB sent chunked", () => Chunked(padded.ToJsonString()), HttpStatusCode.RequestEntityTooLarge);

        yield return Case("malformed JSON (cut off)", () => Json("{\"customerId\":\"c-1\",\"items\":[{\"sku\":"), HttpStatusCode.BadRequest);
        yield return Case("malformed JSON (trailing garbage)", () => Json(Valid().ToJsonString() + "}}"), HttpStatusCode.BadRequest);
        yield return Case("malformed JSON (single quotes)", () => Json("{'customerId':'c-1'}"), HttpStatusCode.BadRequest);
        yield return Case("empty body", () => Json(string.Empty), HttpStatusCode.BadRequest);
        yield return Case("invalid UTF-8 in a string", () => Bytes([.. "{\"customerId\":\"c-"u8, 0xFF, 0xFE, .. "\",\"items\":[],\"total\":1}"u8]), HttpStatusCode.BadRequest);

        yield return Case("content type text/plain", () => Typed(Valid().ToJsonString(), "text/plain"), HttpStatusCode.UnsupportedMediaType);
        yield return Case("content type application/xml", () => Typed("<order><customerId>c-1</customerId></order>", "application/xml"), HttpStatusCode.UnsupportedMediaType);
        yield return Case("content type application/x-www-form-urlencoded", () => Typed("customerId=c-1&total=1", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType);
        yield return Case("no content type", () => new ByteArrayContent(Encoding.UTF8.GetBytes(Valid().ToJsonString())), HttpStatusCode.UnsupportedMediaType);
        yield return Case("JSON with an unknown charset", () => Typed(Valid().ToJsonString(), "application/json; charset=bogus"), HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType);

        yield return Case("quantity 1e20", () => Json(Valid(line: l => l["quantity"] = JsonNode.Parse("1e20")).ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("total 1e40", () => Json(Valid(b => b["total"] = JsonNode.Parse("1e40")).ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("unitPrice -0.01", () => Json(Valid(line: l => l["unitPrice"] = -0.01m).ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("quantity 2147483648", () => Json(Valid(line: l => l["quantity"] = 2147483648L).ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("total 1e400 (beyond double)", () => Json(Valid().ToJsonString().Replace("\"total\":42.5", "\"total\":1e400", StringComparison.Ordinal)), HttpStatusCode.BadRequest);

        foreach (var literal in new[] { "NaN", "Infinity", "-Infinity" })
        {
            yield return Case($"unitPrice \"{literal}\" as a string", () => Json(Valid(line: l => l["unitPrice"] = literal).ToJsonString()), HttpStatusCode.BadRequest);
            yield return Case($"total \"{literal}\" as a string", () => Json(Valid(b => b["total"] = literal).ToJsonString()), HttpStatusCode.BadRequest);
            yield return Case($"quantity \"{literal}\" as a string", () => Json(Valid(line: l => l["quantity"] = literal).ToJsonString()), HttpStatusCode.BadRequest);
            yield return Case($"total {literal} as a bare token", () => Json(Valid().ToJsonString().Replace("\"total\":42.5", $"\"total\":{literal}", StringComparison.Ordinal)), HttpStatusCode.BadRequest);
            yield return Case($"unitPrice {literal} as a bare token", () => Json(Valid().ToJsonString().Replace("\"unitPrice\":42.5", $"\"unitPrice\":{literal}", StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        }

        yield return Case("10,000 nested arrays in an unknown property", () => Json(Nested("deep", 10_000, '[', ']')), HttpStatusCode.BadRequest);
        yield return Case("10,000 nested arrays as customerId", () => Json(Nested("customerId", 10_000, '[', ']')), HttpStatusCode.BadRequest);
        yield return Case("10,000 nested objects in an unknown property", () => Json(NestedObjects(10_000)), HttpStatusCode.BadRequest);

        yield return Case("customerId with NUL", () => Json(Valid(b => b["customerId"] = "c-\u0000-nul").ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("customerId with a terminal escape sequence", () => Json(Valid(b => b["customerId"] = "c-\u001b[2J\u001b[31mred").ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("customerId with a forged log line", () => Json(Valid(b => b["customerId"] = "c-1\r\n12:00:00.000 info: Order accepted").ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("sku with BEL and newline", () => Json(Valid(line: l => l["sku"] = "SKU\u0007\n1").ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("sku with DEL and C1 control", () => Json(Valid(line: l => l["sku"] = "SKU\u007f\u0085").ToJsonString()), HttpStatusCode.BadRequest);

        yield return Case("items is a string (wrong JSON type)", () => Json(Valid(b => b["items"] = "SKU-1").ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("an item is a number (wrong JSON type)", () => Json(Valid(b => b["items"] = new JsonArray(5)).ToJsonString()), HttpStatusCode.BadRequest);
        yield return Case("body is a JSON array", () => Json("[" + Valid().ToJsonString() + "]"), HttpStatusCode.BadRequest);
        yield return Case("shippingAddress is a string (wrong JSON type)", () => Json(Valid(b => b["shippingAddress"] = "1 Main Street").ToJsonString()), HttpStatusCode.BadRequest);
    }

    [TestCaseSource(nameof(HostileRequests))]
    public async Task Hostile_request_is_refused_safely_and_nothing_is_published(Func<HttpContent> content, HttpStatusCode[] allowed)
    {
        var response = await PublishingNothingAsync(() => Api.PostOrderAsync(content()));

        SafeProblemAssert.IsSafeRefusal(response, allowed);
    }

    [TestCase("Idempotency-Key", "key with space", TestName = "Idempotency-Key with a space is refused safely")]
    [TestCase("Idempotency-Key", "key\u0001ctl", TestName = "Idempotency-Key with a control character is refused safely")]
    [TestCase("Idempotency-Key", "schlüssel", TestName = "Idempotency-Key with non-ASCII is refused safely")]
    [TestCase("X-Correlation-Id", "corr\u007f", TestName = "X-Correlation-Id with DEL is refused safely")]
    public async Task Hostile_header_is_refused_safely_and_nothing_is_published(string header, string value)
    {
        var content = Json(Valid().ToJsonString());

        var response = await PublishingNothingAsync(() => header == OrderApiClient.IdempotencyKeyHeader
            ? Api.PostOrderAsync(content, idempotencyKey: value)
            : Api.PostOrderAsync(content, correlationId: value));

        SafeProblemAssert.IsSafeRefusal(response);
    }

    /// <summary>
    /// After refusing a body whose declared Content-Length is over the limit, the server either says
    /// <c>Connection: close</c> or keeps serving the connection: a client that reuses a kept-alive
    /// connection must not lose its next request.
    /// </summary>
    [Test]
    public async Task After_a_413_for_a_declared_length_the_connection_is_either_closed_announced_or_still_usable()
    {
        var host = Api.BaseAddress;
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(host.Host, host.Port);
        var stream = socket.GetStream();
        var big = Encoding.UTF8.GetBytes("{\"customerId\":\"" + new string('c', Limit + 1024) + "\"}");

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /orders HTTP/1.1\r\nHost: {host.Authority}\r\nContent-Type: application/json\r\nContent-Length: {big.Length}\r\n\r\n"));
        await stream.WriteAsync(big);
        var first = await RawHttp.ReadResponseAsync(stream);

        Assert.That(first.Status, Is.EqualTo(413), $"first answer: {first}");
        if (first.Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true)
        {
            return;
        }

        var small = Encoding.UTF8.GetBytes(Valid().ToJsonString());
        RawResponse second;
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /orders HTTP/1.1\r\nHost: {host.Authority}\r\nContent-Type: application/json\r\nContent-Length: {small.Length}\r\n\r\n"));
            await stream.WriteAsync(small);
            second = await RawHttp.ReadResponseAsync(stream);
        }
        catch (IOException ex)
        {
            second = new RawResponse(0, $"(could not send: {ex.Message})", new Dictionary<string, string>(), string.Empty);
        }

        Assert.That(second.Status, Is.EqualTo(202), $"the next request on the kept-alive connection (first answer: {first.Head}): {second}");
    }

    /// <summary>
    /// A repeated property is refused: a proxy or a log that reads the first occurrence must never
    /// disagree with what the host would have validated and published.
    /// </summary>
    [Test]
    public async Task Duplicate_property_is_refused_naming_it_and_publishes_nothing()
    {
        var body = Valid().ToJsonString();
        var duplicated = "{\"customerId\":\"" + OrderBodies.UniqueCustomerId() + "\"," + body[1..];

        var refused = await PublishingNothingAsync(() => Api.PostOrderAsync(duplicated));

        ProblemDetailsAssert.HasFieldError(refused, "customerId");
        Assert.That(refused.Body, Does.Contain("more than once"));
    }

    [Test]
    public async Task Duplicate_total_is_refused_whichever_occurrence_is_right()
    {
        var right = Valid().ToJsonString();

        var (lastWrong, firstWrong) = await PublishingNothingAsync(async () => (
            await Api.PostOrderAsync(right[..^1] + ",\"total\":999}"),
            await Api.PostOrderAsync("{\"total\":999," + right[1..])));

        ProblemDetailsAssert.HasFieldError(lastWrong, "total");
        ProblemDetailsAssert.HasFieldError(firstWrong, "total");
    }

    /// <summary>
    /// Unknown properties are refused (a typo such as "quantiy" must not be silently dropped), and so
    /// a client can never try to choose what the server decides: order id, version, acceptance time, status.
    /// </summary>
    [TestCase("orderId", TestName = "A client-chosen orderId is refused")]
    [TestCase("version", TestName = "A client-chosen version is refused")]
    [TestCase("acceptedAt", TestName = "A client-chosen acceptedAt is refused")]
    [TestCase("status", TestName = "A client-chosen status is refused")]
    [TestCase("quantiy", TestName = "A misspelt property is refused")]
    public async Task Unknown_property_is_refused_naming_it_and_publishes_nothing(string property)
    {
        var body = Valid(b => b[property] = "2000-01-01T00:00:00Z");

        var refused = await PublishingNothingAsync(() => Api.PostOrderAsync(body));

        ProblemDetailsAssert.HasFieldError(refused, property);
        Assert.That(refused.Body, Does.Contain("unknown property"));
    }

    [Test]
    public async Task Unknown_property_inside_a_line_is_refused()
    {
        var refused = await PublishingNothingAsync(() => Api.PostOrderAsync(Valid(line: l => l["discount"] = 100)));

        Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest), $"{refused}");
        Assert.That(refused.Body, Does.Contain("unknown property 'discount'"));
    }

    /// <summary>
    /// JSON that the serializer's web defaults would read but the README does not allow: a number in quotes,
    /// comments, trailing commas, property names in another letter case. Each is a 400 naming where the
    /// body goes wrong. The valid body they start from is accepted (<see cref="The_body_the_loose_cases_start_from_is_accepted"/>).
    /// </summary>
    public static IEnumerable<TestCaseData> LooseJson()
    {
        yield return Loose("total as a string", "\"total\":42.5", "\"total\":\"42.5\"", "total", "unquoted number");
        yield return Loose("quantity as a string", "\"quantity\":1,", "\"quantity\":\"1\",", "items[0].quantity", "unquoted number");
        yield return Loose("unitPrice as a string", "\"unitPrice\":42.5", "\"unitPrice\":\"42.5\"", "items[0].unitPrice", "unquoted number");
        yield return Loose("a block comment", ",\"items\":", ",/* note */\"items\":", "body", "JSON has no comments");
        yield return Loose("a line comment", ",\"items\":", ", // note\n\"items\":", "body", "JSON has no comments");
        yield return Loose("a comment after a number", "\"total\":42.5", "\"total\":42.5 /* USD */", "body", "JSON has no comments");
        yield return Loose("a trailing comma in the order", "\"total\":42.5}", "\"total\":42.5,}", "body", "trailing comma");
        yield return Loose("a trailing comma after the last line", "}],", "},],", "items", "trailing comma");
        yield return Loose("a trailing comma in a line", "42.5}]", "42.5,}]", "items[0]", "trailing comma");
        yield return Loose("customerId as CustomerId", "\"customerId\"", "\"CustomerId\"", "CustomerId", "unknown property 'CustomerId'");
        yield return Loose("total as TOTAL", "\"total\"", "\"TOTAL\"", "TOTAL", "unknown property 'TOTAL'");
        yield return Loose("quantity as Quantity", "\"quantity\"", "\"Quantity\"", "items[0].Quantity", "unknown property 'Quantity'");
        yield return Loose("customerId given again as CUSTOMERID", "{\"customerId\"", "{\"CUSTOMERID\":\"c-other\",\"customerId\"", "CUSTOMERID", "unknown property 'CUSTOMERID'");
    }

    [TestCaseSource(nameof(LooseJson))]
    public async Task Loose_json_is_refused_naming_the_place_and_publishes_nothing(string json, string field, string reason)
    {
        var refused = await PublishingNothingAsync(() => Api.PostOrderAsync(json));

        ProblemDetailsAssert.HasFieldError(refused, field);
        SafeProblemAssert.IsSafeRefusal(refused);
        Assert.That(refused.Body, Does.Contain(reason), $"{refused}");
    }

    [Test]
    public async Task The_body_the_loose_cases_start_from_is_accepted()
    {
        var response = await Api.PostOrderAsync(LooseBase);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{response}");
    }

    /// <summary>
    /// The order is the body and its two headers: FastEndpoints' default binder also copies query parameters
    /// onto the request, so <c>?customerId=…</c> overrode the body's customer.
    /// </summary>
    [Test]
    public async Task Query_parameters_do_not_change_the_order()
    {
        var body = OrderBodies.Paid();
        var customer = body["customerId"]!.GetValue<string>();

        var response = await Api.PostOrderWithQueryAsync("customerId=c-from-query&currency=EUR&total=42.5", body);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{response}");
        var order = await Api.WaitForOrderAsync(OrderApiClient.OrderIdOf(response), o => o.CustomerId is not null, "projected");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.CustomerId, Is.EqualTo(customer), "customerId: the body's");
            Assert.That(order.Currency, Is.EqualTo("USD"), "currency: the body's (none, so USD)");
        }
    }

    /// <summary>Sends what is refused and checks that no orders.created was stored meanwhile.</summary>
    private async Task<T> PublishingNothingAsync<T>(Func<Task<T>> send)
    {
        var before = await Broker.CountAsync(Created);
        var answer = await send();
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created after the refused request");
        return answer;
    }

    // The same valid order for every loose case, so each case changes exactly one thing in known text.
    private static string LooseBase => Valid().ToJsonString();

    private static TestCaseData Loose(string name, string find, string replaceWith, string field, string reason)
    {
        var json = LooseBase;
        if (!json.Contains(find, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Case '{name}': '{find}' is not in the valid body {json}.");
        }

        return new TestCaseData(json.Replace(find, replaceWith, StringComparison.Ordinal), field, reason)
            .SetName($"Loose JSON in POST /orders is refused naming {field}: {name}");
    }

    private static JsonObject Valid(Action<JsonObject>? change = null, Action<JsonObject>? line = null)
    {
        var body = OrderBodies.Paid("c-valid");
        line?.Invoke((JsonObject)body["items"]![0]!);
        change?.Invoke(body);
        return body;
    }

    private static string Nested(string property, int depth, char open, char close)
        => "{\"" + property + "\":" + new string(open, depth) + new string(close, depth) + "," + Valid().ToJsonString()[1..].Replace(
            "\"customerId\":\"c-valid\",", property == "customerId" ? string.Empty : "\"customerId\":\"c-valid\",", StringComparison.Ordinal);

    private static string NestedObjects(int depth)
    {
        var text = new StringBuilder("{\"deep\":");
        for (var i = 0; i < depth; i++)
        {
            text.Append("{\"a\":");
        }

        text.Append('1').Append('}', depth).Append(',').Append(Valid().ToJsonString()[1..]);
        return text.ToString();
    }

    private static TestCaseData Case(string name, Func<HttpContent> content, params HttpStatusCode[] allowed)
        => new TestCaseData(content, allowed).SetName($"Hostile POST /orders is refused safely: {name}");

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Typed(string text, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static ByteArrayContent Bytes(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>No Content-Length: HttpClient sends it with Transfer-Encoding: chunked.</summary>
    private static StreamContent Chunked(string text)
    {
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(text)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
