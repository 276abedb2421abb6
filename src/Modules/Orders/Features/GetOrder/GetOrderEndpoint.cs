using FastEndpoints;
using Microsoft.AspNetCore.Http;
using OrderHost.Orders.Infrastructure;

namespace OrderHost.Orders.Features.GetOrder;

/// <summary><c>GET /orders/{orderId}</c>: the order as the events have built it so far.</summary>
internal sealed class GetOrderEndpoint(OrderReadModel readModel) : Endpoint<GetOrderRequest, GetOrderResponse>
{
    public override void Configure()
    {
        Get("/orders/{orderId}");
        AllowAnonymous();
        Description(d => d
            .Produces<GetOrderResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblemDetails(StatusCodes.Status400BadRequest)
            .ProducesProblemDetails(StatusCodes.Status404NotFound));
        Summary(s => s.Summary = "Read an order's status, notification flag and history.");
    }

    public override async Task HandleAsync(GetOrderRequest req, CancellationToken ct)
    {
        var view = await readModel.FindAsync(Guid.ParseExact(req.OrderId, "D"), ct);
        if (view is null)
        {
            await Send.ResultAsync(TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Order not found",
                detail: $"No order {req.OrderId} is known (yet): a just-accepted order appears within moments."));
            return;
        }

        await Send.OkAsync(
            new GetOrderResponse(
                view.OrderId,
                view.CustomerId,
                view.Total,
                view.Currency,
                view.Status,
                view.Notified,
                [.. view.History.Select(s => new OrderStepResponse(s.Status, s.At))]),
            ct);
    }
}
