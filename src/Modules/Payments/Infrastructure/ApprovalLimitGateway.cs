using Microsoft.Extensions.Options;

namespace OrderHost.Payments.Infrastructure;

/// <summary>
/// The default gateway: approves any total under the configured limit. Like a real gateway it
/// treats the order id as an idempotency key: the first answer for an order is the answer, even
/// when the limit changes meanwhile (remembered for the last <see cref="Remembered"/> orders of
/// this process; the ledger's conditional append is what keeps one outcome across processes).
/// </summary>
internal sealed class ApprovalLimitGateway(IOptionsMonitor<PaymentsOptions> options) : IPaymentGateway
{
    public const int Remembered = 100_000;

    private readonly RecentAnswers<Guid, PaymentResult> _answers = new(Remembered);

    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
        => Task.FromResult(_answers.GetOrAdd(request.OrderId, request, Decide));

    private PaymentResult Decide(PaymentRequest request)
    {
        var limit = options.CurrentValue.ApprovalLimit;
        return request.Amount < limit
            ? new PaymentResult(true, $"pay_{request.OrderId:N}", null)
            : new PaymentResult(false, null, $"total {request.Amount} is at or above the approval limit {limit}");
    }
}
