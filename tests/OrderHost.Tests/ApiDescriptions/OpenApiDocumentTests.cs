using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.ApiDescriptions;

/// <summary>
/// The served OpenAPI document as third-party tools read it: valid for Microsoft.OpenApi's reader and for
/// swagger-parser, only the X-Api-Key scheme and only on the operator API, readable operation ids and
/// schema names, headers spelled as the README spells them and never body fields, examples to start from.
/// </summary>
[TestFixture]
public sealed class OpenApiDocumentTests() : ServedDocumentFixture("/swagger/v1/swagger.json", new Dictionary<string, string?> { ["Admin:ApiKey"] = ApiKey })
{
    private const string ApiKey = "openapi-test-key";
    private const string ProblemDetailsRef = "#/components/schemas/ProblemDetails";
    private static readonly string[] ErrorMembers = ["name", "reason"];
    private static readonly string[] OperatorProblems = ["401", "404"];
    private static readonly string[] IdempotencyKeyOnly = ["Idempotency-Key"];
    private static readonly string[] OnlyApiKey = ["ApiKey"];
    private static readonly string[] ContractSchemas = ["PlaceOrderRequest", "PlaceOrderResponse", "Order", "OrderStep", "ProblemDetails", "ProblemDetailsError", "DeadLetterPage", "ConsumerReplayRequest"];
    private static readonly string[] DesignedHeaders = ["Idempotency-Key", "X-Correlation-Id"];
    private static readonly string[] BodyFields = ["customerId", "items", "total", "currency", "customerEmail", "shippingAddress"];

    [Test]
    public async Task Microsoft_OpenApi_reads_it_with_no_errors_or_warnings()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Served));
        var read = await OpenApiDocument.LoadAsync(stream, "json");
        var ruleErrors = read.Document?.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? [];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Document, Is.Not.Null);
            Assert.That(read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}"), Is.Empty, "reader errors");
            Assert.That(read.Diagnostic?.Warnings.Select(e => $"{e.Pointer}: {e.Message}"), Is.Empty, "reader warnings");
            Assert.That(ruleErrors.Select(e => $"{e.Pointer}: {e.Message}"), Is.Empty, "validation rule errors");
        }
    }

    [Test]
    public async Task Swagger_parser_validates_it()
    {
        var (exitCode, output) = await NodeValidators.ValidateAsync("openapi", await WriteServedAsync("openapi"));

        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public void The_only_security_scheme_is_the_X_Api_Key_header_on_the_operator_operations()
    {
        var schemes = Document["components"]!["securitySchemes"]!.AsObject();
        Assert.That(schemes.Select(s => s.Key), Is.EqualTo(OnlyApiKey));
        var apiKey = schemes["ApiKey"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)apiKey["type"], Is.EqualTo("apiKey"));
            Assert.That((string?)apiKey["in"], Is.EqualTo("header"));
            Assert.That((string?)apiKey["name"], Is.EqualTo("X-Api-Key"));
            Assert.That(Document["security"], Is.Null, "no global requirement: the order API is open");
            foreach (var (path, method, operation) in Operations())
            {
                var secured = operation["security"]?.AsArray().Any(r => r!.AsObject().ContainsKey("ApiKey")) == true;
                Assert.That(secured, Is.EqualTo(path.StartsWith("/admin/", StringComparison.Ordinal)), $"{method} {path} security");
            }
        }
    }

    [Test]
    public void Operations_have_readable_ids()
    {
        var ids = Operations().ToDictionary(o => $"{o.Method} {o.Path}", o => (string?)o.Operation["operationId"]);

        Assert.That(ids, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["post /orders"] = "placeOrder",
            ["get /orders/{orderId}"] = "getOrder",
            ["get /admin/dead-letters"] = "listDeadLetters",
            ["get /admin/dead-letters/{seq}"] = "getDeadLetter",
            ["post /admin/dead-letters/{seq}/replay"] = "replayDeadLetter",
            ["delete /admin/dead-letters/{seq}"] = "deleteDeadLetter",
            ["post /admin/consumers/{name}/replay"] = "replayConsumer",
            ["post /admin/consumers/{name}/pause"] = "pauseConsumer",
            ["post /admin/consumers/{name}/resume"] = "resumeConsumer",
        }));
    }

    [Test]
    public void Schema_names_are_short_and_free_of_code_namespaces()
    {
        var names = Document["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names, Is.SupersetOf(ContractSchemas));
            Assert.That(names.Where(n => n.StartsWith("OrderHost", StringComparison.Ordinal) || n.StartsWith("FastEndpoints", StringComparison.Ordinal) || n.Contains('.') || n.Contains('_')), Is.Empty);
        }
    }

    [Test]
    public void Headers_are_parameters_spelled_as_designed_and_not_body_fields()
    {
        var placeOrder = Document["paths"]!["/orders"]!["post"]!;
        var headers = placeOrder["parameters"]!.AsArray().Where(p => (string?)p!["in"] == "header").Select(p => (string?)p!["name"]);
        var body = Document["components"]!["schemas"]!["PlaceOrderRequest"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(headers, Is.EquivalentTo(DesignedHeaders));
            Assert.That(body["properties"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(BodyFields));
            Assert.That((bool?)body["additionalProperties"], Is.False, "a body with any other property is a 400");
        }
    }

    [Test]
    public void The_order_body_and_a_400_answer_have_examples()
    {
        var placeOrder = Document["paths"]!["/orders"]!["post"]!;
        var bodyExample = Document["components"]!["schemas"]!["PlaceOrderRequest"]!["example"];
        var badRequest = placeOrder["responses"]!["400"]!["content"]!["application/problem+json"]!["example"];

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)bodyExample?["customerId"], Is.EqualTo("c-42"));
            Assert.That((decimal?)bodyExample?["total"], Is.EqualTo(39.98m));
            Assert.That((int?)badRequest?["status"], Is.EqualTo(400));
            Assert.That((string?)badRequest?["errors"]?[0]?["name"], Is.EqualTo("total"));
        }
    }

    [Test]
    public async Task The_order_body_example_is_a_body_the_API_accepts_as_is()
    {
        var example = Document["components"]!["schemas"]!["PlaceOrderRequest"]!["example"]!.AsObject().DeepClone().AsObject();

        var response = await Host.Api.PostOrderAsync(example, idempotencyKey: "example-" + Guid.NewGuid().ToString("N"));

        Assert.That(response.Status, Is.EqualTo(System.Net.HttpStatusCode.Accepted), response.Body);
    }

    [Test]
    public void Ids_are_uuids_and_required_strings_are_not_empty()
    {
        var schemas = Document["components"]!["schemas"]!.AsObject();
        var pathOrderId = Document["paths"]!["/orders/{orderId}"]!["get"]!["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "orderId")!;
        var emptyAllowed = schemas
            .SelectMany(s => (s.Value!["properties"]?.AsObject() ?? []).Select(p => (Schema: s.Key, Property: p.Key, Definition: p.Value!, Required: s.Value!["required"]?.AsArray().Any(r => (string?)r == p.Key) ?? false)))
            .Where(p => p.Required && (string?)p.Definition["type"] == "string" && (int?)p.Definition["minLength"] == 0)
            .Select(p => $"{p.Schema}.{p.Property}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Served, Does.Not.Contain("\"format\": \"guid\"").And.Not.Contain("\"format\":\"guid\""), "the registry's format name is uuid");
            Assert.That((string?)schemas["Order"]!["properties"]!["orderId"]!["format"], Is.EqualTo("uuid"));
            Assert.That((string?)schemas["PlaceOrderResponse"]!["properties"]!["orderId"]!["format"], Is.EqualTo("uuid"));
            Assert.That((string?)pathOrderId["schema"]!["format"], Is.EqualTo("uuid"), "GET /orders/{orderId} answers 400 to anything else");
            Assert.That(emptyAllowed, Is.Empty, "required strings the API refuses empty");
        }
    }

    [Test]
    public async Task The_order_answers_require_every_property_and_a_real_answer_has_each_one()
    {
        var schemas = Document["components"]!["schemas"]!;
        var placed = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var answer = await Host.Api.WaitForOrderAsync(placed, o => o.IsCompleted, "completed");
        var read = JsonNode.Parse((await Host.Api.GetOrderAsync(placed)).Body)!.AsObject();

        using (Assert.EnterMultipleScope())
        {
            foreach (var name in new[] { "Order", "OrderStep", "PlaceOrderResponse" })
            {
                var properties = schemas[name]!["properties"]!.AsObject().Select(p => p.Key);
                Assert.That(schemas[name]!["required"]?.AsArray().Select(r => (string?)r), Is.EquivalentTo(properties), $"{name} requires every property");
            }

            Assert.That(read.Select(p => p.Key), Is.EquivalentTo(schemas["Order"]!["properties"]!.AsObject().Select(p => p.Key)), "GET /orders/{orderId} writes each one");
            Assert.That(answer.Status, Is.EqualTo("paid"));
        }
    }

    [Test]
    public void Problem_details_carry_no_framework_sample_values()
    {
        var problem = Document["components"]!["schemas"]!["ProblemDetails"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["properties"]!.AsObject().Where(p => p.Value!["default"] is not null).Select(p => p.Key), Is.Empty, "defaults");
            Assert.That((string?)problem["description"], Does.Contain("RFC 9457").And.Not.Contain("UseFastEndpoints"));
        }
    }

    [TestCase("idempotencyKey")]
    [TestCase("correlationId")]
    public async Task A_body_that_carries_a_header_value_is_a_400_naming_the_field(string field)
    {
        var body = OrderBodies.Paid();
        body[field] = "from-the-body";

        var response = await Host.Api.PostOrderAsync(body, idempotencyKey: "header-key-" + Guid.NewGuid().ToString("N"));

        ProblemDetailsAssert.HasFieldError(response, field);
    }

    [Test]
    public void Every_response_has_a_description()
    {
        var undescribed = Operations()
            .SelectMany(o => o.Operation["responses"]!.AsObject().Select(r => (Where: $"{o.Method} {o.Path} {r.Key}", Description: (string?)r.Value!["description"])))
            .Where(r => string.IsNullOrWhiteSpace(r.Description))
            .Select(r => r.Where);

        Assert.That(undescribed, Is.Empty);
    }

    [Test]
    public void Both_APIs_describe_their_problem_answers_with_one_schema_whose_errors_is_an_array_of_name_and_reason()
    {
        var errors = Document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!["errors"]!;
        var error = Document["components"]!["schemas"]![((string)errors["items"]!["$ref"]!).Split('/')[^1]]!["properties"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)errors["type"], Is.EqualTo("array"));
            Assert.That(error.AsObject().Select(p => p.Key), Is.SupersetOf(ErrorMembers));
            foreach (var (path, method, operation) in Operations())
            {
                var problems = operation["responses"]!.AsObject().Where(r => r.Value!["content"]?["application/problem+json"] is not null).ToList();
                Assert.That(problems.Select(p => (string?)p.Value!["content"]!["application/problem+json"]!["schema"]!["$ref"]), Is.All.EqualTo(ProblemDetailsRef), $"{method} {path}");
                if (path.StartsWith("/admin/", StringComparison.Ordinal))
                {
                    Assert.That(problems.Select(p => p.Key), Is.SupersetOf(OperatorProblems), $"{method} {path} problem answers");
                }
            }
        }
    }

    [Test]
    public async Task A_header_error_is_named_as_the_header_is_spelled()
    {
        var response = await Host.Api.PostOrderAsync(OrderBodies.Paid(), idempotencyKey: "not a key");

        Assert.That(response.ErrorFields(), Is.EqualTo(IdempotencyKeyOnly), $"{response}");
    }

    [TestCase("{\"fromSequence\":\"1\"}", "fromSequence", TestName = "An unreadable operator body is a 400 whose errors array names the field")]
    [TestCase("{}", "fromSequence", TestName = "An operator body that says neither is a 400 whose errors array names the fields")]
    public async Task The_operator_API_answers_a_400_with_the_documented_errors_array(string body, string field)
    {
        var response = await Admin.ReplayConsumerAsync(PaymentConsumers.Processor, body, ApiKey);

        ProblemDetailsAssert.HasStatus(response, System.Net.HttpStatusCode.BadRequest);
        var errors = response.Json().GetProperty("errors");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Array), $"{response}");
            Assert.That(response.ErrorFields(), Does.Contain(field), $"{response}");
            Assert.That(errors.EnumerateArray().All(e => e.TryGetProperty("reason", out var r) && r.GetString()!.Length > 0), Is.True, $"{response}");
        }
    }

    private IEnumerable<(string Path, string Method, JsonNode Operation)> Operations()
        => Document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key, m.Value!)));
}
