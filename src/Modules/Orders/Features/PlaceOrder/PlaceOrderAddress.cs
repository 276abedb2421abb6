using FluentValidation;

namespace OrderHost.Orders.Features.PlaceOrder;

internal sealed class PlaceOrderAddress
{
    public string? Line1 { get; set; }

    public string? Line2 { get; set; }

    public string? City { get; set; }

    public string? PostalCode { get; set; }

    /// <summary>ISO 3166-1 alpha-2, e.g. DE.</summary>
    public string? Country { get; set; }

    internal sealed class Validator : AbstractValidator<PlaceOrderAddress>
    {
        public Validator()
        {
            RuleFor(a => a.Line1).NotEmpty().MaximumLength(100).Must(PrintableText.IsPrintable).WithMessage(PrintableText.Message);
            RuleFor(a => a.Line2).MaximumLength(100).Must(PrintableText.IsPrintable).WithMessage(PrintableText.Message);
            RuleFor(a => a.City).NotEmpty().MaximumLength(64).Must(PrintableText.IsPrintable).WithMessage(PrintableText.Message);
            RuleFor(a => a.PostalCode).NotEmpty().MaximumLength(16).Must(PrintableText.IsPrintable).WithMessage(PrintableText.Message);
            RuleFor(a => a.Country).NotEmpty().Matches("^[A-Z]{2}$").WithMessage("'country' must be an ISO 3166-1 alpha-2 code in capitals, e.g. DE.");
        }
    }
}
