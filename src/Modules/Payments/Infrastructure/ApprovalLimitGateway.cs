using Microsoft.Extensions.Options;

namespace OrderHost.Payments.Infrastructure;

/// <summary>The default gateway: approves any total under the configured limit.</summary>
internal sealed class ApprovalLimitGateway(IOptions<PaymentsOptions> options) : IPaymentGateway
{
    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        var limit = options.Value.ApprovalLimit;
        var result = request.Amount < limit
            ? new PaymentResult(true, $"pay_{request.OrderId:N}", null)
            : new PaymentResult(false, null, $"total {request.Amount} is at or above the approval limit {limit}");
        return Task.FromResult(result);
    }
}
