namespace OrderHost.Payments;

/// <summary>
/// The external system that moves money. Implementations must treat <see cref="PaymentRequest.OrderId"/>
/// as an idempotency key: charging the same order again returns the first result and moves no money.
/// </summary>
public interface IPaymentGateway
{
    Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken);
}

public sealed record PaymentRequest(Guid OrderId, string CustomerId, decimal Amount, string Currency);

public sealed record PaymentResult(bool Approved, string? PaymentId, string? DeclineReason);
