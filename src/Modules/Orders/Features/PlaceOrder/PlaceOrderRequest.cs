using FastEndpoints;
using FluentValidation;

namespace OrderHost.Orders.Features.PlaceOrder;

internal sealed class PlaceOrderRequest
{
    public const string DefaultCurrency = "USD";

    public string? CustomerId { get; set; }

    public List<PlaceOrderItem>? Items { get; set; }

    public decimal Total { get; set; }

    public string? Currency { get; set; }

    /// <summary>Optional: where to send order mail.</summary>
    public string? CustomerEmail { get; set; }

    /// <summary>Optional: where the order goes.</summary>
    public PlaceOrderAddress? ShippingAddress { get; set; }

    // Headers only (the host drops [FromHeader] properties from the JSON contract): a body carrying
    // "idempotencyKey" or "correlationId" is a 400 naming the unknown property.
    [FromHeader(IdempotencyKeyHeader, isRequired: false)]
    public string? IdempotencyKey { get; set; }

    [FromHeader(CorrelationIdHeader, isRequired: false)]
    public string? CorrelationId { get; set; }

    internal const string IdempotencyKeyHeader = "Idempotency-Key";
    internal const string CorrelationIdHeader = "X-Correlation-Id";

    internal string EffectiveCurrency => string.IsNullOrEmpty(Currency) ? DefaultCurrency : Currency;

    internal sealed class Validator : Validator<PlaceOrderRequest>
    {
        public Validator()
        {
            RuleFor(r => r.CustomerId).NotEmpty().MaximumLength(64).Must(PrintableText.IsPrintable).WithMessage(PrintableText.Message);
            RuleFor(r => r.Items).NotNull().Must(i => i is { Count: >= 1 and <= 100 }).WithMessage("'items' must hold 1 to 100 lines.");
            RuleForEach(r => r.Items).NotNull().SetValidator(new PlaceOrderItem.Validator());
            RuleFor(r => r.Total)
                .GreaterThan(0)
                .Must(HasAtMostTwoDecimals).WithMessage("'total' must have at most 2 decimal places.")
                .Must((r, total) => r.Items is null || r.Items.Any(i => i is null) || total == SumOf(r.Items))
                .WithMessage((r, total) => $"'total' {total} does not equal the sum of quantity x unitPrice ({SumOf(r.Items!)}).");
            RuleFor(r => r.Currency)
                .Must(c => c is null || Iso4217.IsKnown(c))
                .WithMessage("'currency' must be an ISO 4217 code in capitals, e.g. USD.");
            RuleFor(r => r.CustomerEmail)
                .MaximumLength(254)
                .Must(PrintableText.IsPrintable!).WithMessage(PrintableText.Message)
                .EmailAddress().WithMessage("'customerEmail' must be an email address.")
                .When(r => r.CustomerEmail is not null);
            RuleFor(r => r.ShippingAddress!).SetValidator(new PlaceOrderAddress.Validator()).When(r => r.ShippingAddress is not null);
            RuleFor(r => r.IdempotencyKey)
                .Must(k => k is null || IsVisibleAscii(k, 128))
                .OverridePropertyName(IdempotencyKeyHeader)
                .WithMessage("'Idempotency-Key' must be 1 to 128 visible ASCII characters.");
            RuleFor(r => r.CorrelationId)
                .Must(k => k is null || IsVisibleAscii(k, 128))
                .OverridePropertyName(CorrelationIdHeader)
                .WithMessage("'X-Correlation-Id' must be 1 to 128 visible ASCII characters.");
        }

        private static bool HasAtMostTwoDecimals(decimal value) => decimal.Round(value, 2) == value;

        private static decimal SumOf(IEnumerable<PlaceOrderItem> items)
        {
            try
            {
                return items.Sum(i => i.Quantity * i.UnitPrice);
            }
            catch (OverflowException)
            {
                return decimal.MinValue;
            }
        }

        private static bool IsVisibleAscii(string value, int maxLength)
            => value.Length is >= 1 and var n && n <= maxLength && value.All(c => c is >= '!' and <= '~');
    }
}
