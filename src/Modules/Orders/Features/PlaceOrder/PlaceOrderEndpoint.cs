using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderHost.Orders.Features.PlaceOrder;

/// <summary><c>POST /orders</c>: 202 only once JetStream has stored <c>orders.created</c>.</summary>
internal sealed class PlaceOrderEndpoint(OrderIntake intake) : Endpoint<PlaceOrderRequest, PlaceOrderResponse>
{
    public override void Configure()
    {
        Post("/orders");
        AllowAnonymous();

        // The order is the JSON body and the two headers, nothing else: FastEndpoints' default binder also
        // copies query parameters onto the order (POST /orders?customerId=x&total=1 overrode the body).
        RequestBinder(new RequestBinder<PlaceOrderRequest>(BindingSource.JsonBody | BindingSource.Headers));
        Description(d => d
            .WithName("placeOrder")
            .Accepts<PlaceOrderRequest>("application/json")
            .Produces<PlaceOrderResponse>(StatusCodes.Status202Accepted, "application/json")
            .ProducesProblemDetails(StatusCodes.Status400BadRequest)
            .ProducesProblemDetails(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblemDetails(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblemDetails(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblemDetails(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Accept an order.";
            s.Description = "Answers 202 whenever the order is stored in JetStream. A 503 titled \"Order not accepted\" stored nothing; one titled "
                + "\"Order outcome unknown\" may have: retry with the same Idempotency-Key header, which makes retries safe. "
                + "Idempotency-Key and X-Correlation-Id are headers only, a body property of either name is a 400.";
            s.ExampleRequest = new PlaceOrderRequest
            {
                CustomerId = "c-42",
                Items = [new PlaceOrderItem { Sku = "SKU-1", Quantity = 2, UnitPrice = 19.99m }],
                Total = 39.98m,
                Currency = "USD",
            };
            s.Responses[StatusCodes.Status202Accepted] = "The order is stored; Location names it. A repeated Idempotency-Key with the same body answers the same orderId.";
            s.Responses[StatusCodes.Status400BadRequest] = "The body or a header is invalid; errors names each field.";
            s.Responses[StatusCodes.Status413PayloadTooLarge] = "The body is larger than 64 KiB.";
            s.Responses[StatusCodes.Status415UnsupportedMediaType] = "The body is not UTF-8 application/json.";
            s.Responses[StatusCodes.Status422UnprocessableEntity] = "The Idempotency-Key was used before with a different body.";
            s.Responses[StatusCodes.Status503ServiceUnavailable] = "JetStream did not confirm the order: see the title (not accepted, or outcome unknown) and retry with the same Idempotency-Key.";
            s.ResponseExamples[StatusCodes.Status202Accepted] = new PlaceOrderResponse(Guid.Parse("0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d"), OrderStatuses.Accepted);
            s.ResponseExamples[StatusCodes.Status400BadRequest] = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Instance = "/orders",
                TraceId = "0HNQKB6E2DKCF:00000001",
                Detail = "'total' 39.90 does not equal the sum of quantity x unitPrice (39.98).",
                Errors = [new ProblemDetails.Error { Name = "total", Reason = "'total' 39.90 does not equal the sum of quantity x unitPrice (39.98)." }],
            };
            s.Params[nameof(PlaceOrderRequest.IdempotencyKey)] = "Optional, 1-128 visible ASCII characters: the same key with the same order returns the same orderId and publishes nothing new for at least 24 h.";
            s.Params[nameof(PlaceOrderRequest.CorrelationId)] = "Optional, 1-128 visible ASCII characters: carried through every event of the order; defaults to the order id.";
        });
    }

    public override async Task HandleAsync(PlaceOrderRequest req, CancellationToken ct)
    {
        var result = await intake.PlaceAsync(req, ct);
        switch (result.Outcome)
        {
            case PlacementOutcome.Accepted:
                HttpContext.Response.Headers.Location = $"/orders/{result.OrderId:D}";
                await Send.ResponseAsync(new PlaceOrderResponse(result.OrderId, OrderStatuses.Accepted), StatusCodes.Status202Accepted, ct);
                break;
            case PlacementOutcome.KeyReusedWithDifferentBody:
                await Send.ResultAsync(TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused", detail: result.Problem));
                break;
            case PlacementOutcome.OutcomeUnknown:
                HttpContext.Response.Headers.RetryAfter = "1";
                await Send.ResultAsync(TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Order outcome unknown",
                    detail: $"{result.Problem} The order may or may not have been stored: retry with the same Idempotency-Key (a retry without one can create a second order)."));
                break;
            default:
                HttpContext.Response.Headers.RetryAfter = "1";
                await Send.ResultAsync(TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Order not accepted", detail: $"{result.Problem} Nothing was accepted; retry with the same Idempotency-Key."));
                break;
        }
    }
}
