using OrderHost.Payments;

namespace OrderHost.Tests.Observability;

/// <summary>
/// A payment provider that holds every charge until the test opens the gate (a provider that is
/// slow to answer), then approves. Lets a test build up consumer lag on payment-processor.
/// </summary>
public sealed class GatedPaymentGateway : IPaymentGateway
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public void Open() => _gate.TrySetResult();

    public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new PaymentResult(true, $"gated_{request.OrderId:N}", null);
    }
}
