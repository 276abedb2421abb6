using FluentValidation;

namespace OrderHost.Orders.Features.PlaceOrder;

internal sealed class PlaceOrderItem
{
    public string? Sku { get; set; }

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }

    internal sealed class Validator : AbstractValidator<PlaceOrderItem>
    {
        public Validator()
        {
            RuleFor(i => i.Sku).NotEmpty().MaximumLength(64).Must(PrintableText.IsPrintable).WithMessage(PrintableText.Message);
            RuleFor(i => i.Quantity).InclusiveBetween(1, 10_000);
            RuleFor(i => i.UnitPrice).GreaterThanOrEqualTo(0);
        }
    }
}
