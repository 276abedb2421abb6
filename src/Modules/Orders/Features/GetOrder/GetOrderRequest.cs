using FastEndpoints;
using FluentValidation;

namespace OrderHost.Orders.Features.GetOrder;

internal sealed class GetOrderRequest
{
    public string OrderId { get; set; } = string.Empty;

    internal sealed class Validator : Validator<GetOrderRequest>
    {
        public Validator()
        {
            RuleFor(r => r.OrderId)
                .Must(id => Guid.TryParseExact(id, "D", out _))
                .WithMessage("orderId must be a UUID in canonical form, e.g. 0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.");
        }
    }
}
