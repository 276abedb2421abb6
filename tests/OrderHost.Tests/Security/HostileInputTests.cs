using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// POST /orders against hostile bodies and headers, through the real Kestrel pipeline: every one is
/// refused with a 4xx problem-details answer that shows no internals, and nothing reaches orders.created.
/// Also pins down what the app does with duplicate and unknown JSON properties.
/// </summary>
[TestFixture]
public sealed class HostileInputTests : NatsServerFixture
{
    private const string Created = "orders.created";
    private const int Limit = 64 * 1024;
    private RunningOrderHost? _host;

    private OrderApiClient Api => _host!.Api;

    [OneTimeSetUp]
    public async Task StartHostAsync() => _host = await RunningOrderHost.StartAsync(Server);

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public static IEnumerable<TestCaseData> HostileRequests()
    {
        var padded = Valid();
        padded["padding"] = new string('x', Limit);
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
        var before = await Broker.CountAsync(Created);

        var response = await Api.PostOrderAsync(content());

        SafeProblemAssert.IsSafeRefusal(response, allowed);
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
    }

    [TestCase("Idempotency-Key", "key with space", TestName = "Idempotency-Key with a space is refused safely")]
    [TestCase("Idempotency-Key", "key\u0001ctl", TestName = "Idempotency-Key with a control character is refused safely")]
    [TestCase("Idempotency-Key", "schlüssel", TestName = "Idempotency-Key with non-ASCII is refused safely")]
    [TestCase("X-Correlation-Id", "corr\u007f", TestName = "X-Correlation-Id with DEL is refused safely")]
    public async Task Hostile_header_is_refused_safely_and_nothing_is_published(string header, string value)
    {
        var before = await Broker.CountAsync(Created);
        var content = Json(Valid().ToJsonString());

        var response = header == OrderApiClient.IdempotencyKeyHeader
            ? await Api.PostOrderAsync(content, idempotencyKey: value)
            : await Api.PostOrderAsync(content, correlationId: value);

        SafeProblemAssert.IsSafeRefusal(response);
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created messages");
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
    /// Found out: System.Text.Json (FastEndpoints' binder) keeps the LAST occurrence of a repeated
    /// property. Safe here because validation, the idempotency fingerprint and the published event all
    /// read the same bound object: what was validated is what is published.
    /// </summary>
    [Test]
    public async Task Duplicate_property_last_occurrence_wins_for_validation_and_for_the_published_event()
    {
        var first = OrderBodies.UniqueCustomerId();
        var second = OrderBodies.UniqueCustomerId();
        var body = Valid().ToJsonString();
        var duplicated = "{\"customerId\":\"" + first + "\"," + body[1..].Replace(
            "\"customerId\":\"c-valid\"", "\"customerId\":\"" + second + "\"", StringComparison.Ordinal);

        var accepted = await Api.PostOrderAsync(duplicated);

        Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{accepted}");
        var orderId = OrderApiClient.OrderIdOf(accepted);
        var stored = (await Broker.ReadForOrderAsync(Created, orderId)).Single();
        Assert.That(stored.Body!.Value.GetProperty("customerId").GetString(), Is.EqualTo(second), "customerId of the published event");
        var state = await Api.WaitForOrderAsync(orderId, o => o.CustomerId is not null, "projected");
        Assert.That(state.CustomerId, Is.EqualTo(second), "customerId of the read model");
    }

    [Test]
    public async Task Duplicate_total_is_validated_as_its_last_occurrence()
    {
        var before = await Broker.CountAsync(Created);
        var right = Valid().ToJsonString();

        // Last occurrence wrong: refused, though the first one matches the lines.
        var lastWrong = await Api.PostOrderAsync(right[..^1] + ",\"total\":999}");
        ProblemDetailsAssert.HasFieldError(lastWrong, "total");
        Assert.That(await Broker.CountAsync(Created), Is.EqualTo(before), "orders.created after the refused body");

        // First occurrence wrong, last right: accepted with the right total, and only that is published.
        var lastRight = await Api.PostOrderAsync("{\"total\":999," + right[1..]);
        Assert.That(lastRight.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{lastRight}");
        var stored = (await Broker.ReadForOrderAsync(Created, OrderApiClient.OrderIdOf(lastRight))).Single();
        Assert.That(stored.Body!.Value.GetProperty("total").GetDecimal(), Is.EqualTo(42.5m), "total of the published event");
    }

    [Test]
    public async Task Duplicate_property_body_is_the_same_request_as_its_parsed_meaning_for_Idempotency_Key()
    {
        var key = $"dup-{Guid.NewGuid():N}";
        var customer = OrderBodies.UniqueCustomerId();
        var plain = Valid(b => b["customerId"] = customer).ToJsonString();
        var duplicated = "{\"customerId\":\"someone-else\"," + plain[1..];

        var firstAnswer = await Api.PostOrderAsync(plain, key);
        var secondAnswer = await Api.PostOrderAsync(duplicated, key);

        Assert.That(firstAnswer.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{firstAnswer}");
        Assert.That(secondAnswer.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{secondAnswer}");
        Assert.That(OrderApiClient.OrderIdOf(secondAnswer), Is.EqualTo(OrderApiClient.OrderIdOf(firstAnswer)), "order id of the replay");
        Assert.That(await Broker.CountForCustomerAsync(Created, customer), Is.EqualTo(1), "orders.created of the customer");
    }

    /// <summary>
    /// Found out: unknown properties are ignored (not refused), at the top level and inside lines. Safe
    /// because none of them reaches the event: a client cannot choose the order id, the event version,
    /// the acceptance time or the status (no mass assignment).
    /// </summary>
    [Test]
    public async Task Unknown_properties_are_ignored_and_cannot_set_what_the_server_decides()
    {
        var chosenId = Guid.NewGuid();
        var body = Valid(
            b =>
            {
                b["orderId"] = chosenId.ToString("D");
                b["version"] = 99;
                b["status"] = "paid";
                b["notified"] = true;
                b["acceptedAt"] = "2000-01-01T00:00:00Z";
                b["isAdmin"] = true;
                b["__proto__"] = new JsonObject { ["polluted"] = true };
            },
            l => l["discount"] = 100);

        var accepted = await Api.PostOrderAsync(body);

        Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.Accepted), $"{accepted}");
        var orderId = OrderApiClient.OrderIdOf(accepted);
        Assert.That(orderId, Is.Not.EqualTo(chosenId), "order id chosen by the client");
        var stored = (await Broker.ReadForOrderAsync(Created, orderId)).Single();
        var evt = stored.Body!.Value;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(evt.GetProperty("version").GetInt32(), Is.EqualTo(2), "event version");
            Assert.That(evt.GetProperty("acceptedAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(-1)), "acceptedAt set by the server");
            Assert.That(evt.EnumerateObject().Select(p => p.Name).Intersect(["status", "notified", "isAdmin", "__proto__"]), Is.Empty, "client-only properties in the event");
            Assert.That(evt.GetProperty("items")[0].EnumerateObject().Select(p => p.Name), Has.None.EqualTo("discount"), "properties of the event's line");
            Assert.That(stored.Text, Does.Not.Contain(chosenId.ToString("D")), "the client's order id anywhere in the event");
        }

        var state = await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", TimeSpan.FromSeconds(20));
        Assert.That(state.History.Select(s => s.Status).First(), Is.EqualTo("accepted"), "the order went through its own lifecycle");
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
