using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OrderHost.Orders.Infrastructure;

namespace OrderHost.Orders.Features.GetOrder;

/// <summary><c>GET /orders/{orderId}</c>: the order as the events have built it so far.</summary>
internal sealed class GetOrderEndpoint(OrderReadModel readModel) : Endpoint<GetOrderRequest, Order>
{
    public override void Configure()
    {
        Get("/orders/{orderId}");
        AllowAnonymous();
        Description(d => d
            .WithName("getOrder")
            .Produces<Order>(StatusCodes.Status200OK, "application/json")
            .ProducesProblemDetails(StatusCodes.Status400BadRequest)
            .ProducesProblemDetails(StatusCodes.Status404NotFound));
        Summary(s => s.Summary = "Read an order's status, notification flag and history.");
    }

    public override async Task HandleAsync(GetOrderRequest req, CancellationToken ct)
    {
        OrderView? view;
        try
        {
            view = await readModel.FindAsync(Guid.ParseExact(req.OrderId, "D"), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The read model lives in JetStream: when it cannot be reached the answer is "try again", not a crash.
            HttpContext.Response.Headers.RetryAfter = "1";
            await Send.ResultAsync(TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Order state unavailable", detail: "The read model cannot be reached right now."));
            return;
        }

        if (view is null)
        {
            await Send.ResultAsync(TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Order not found",
                detail: $"No order {req.OrderId} is known (yet): a just-accepted order appears within moments."));
            return;
        }

        await Send.OkAsync(
            new Order(
                view.OrderId,
                view.CustomerId,
                view.Total,
                view.Currency,
                view.Status,
                view.Notified,
                [.. view.History.Select(s => new OrderStep(s.Status, s.At))]),
            ct);
    }
}
