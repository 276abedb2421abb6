using FastEndpoints;
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
            s.Description = "Answers 202 whenever the order is stored in JetStream. A 503 titled \"Order not accepted\" stored nothing; one titled \"Order outcome unknown\" may have: retry with the same Idempotency-Key.";
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
