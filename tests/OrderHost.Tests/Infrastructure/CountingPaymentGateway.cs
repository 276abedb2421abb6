using System.Collections.Concurrent;
using OrderHost.Payments;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Approves every charge and counts charges per order, to prove an order is charged once.</summary>
public sealed class CountingPaymentGateway : IPaymentGateway
{
    private readonly ConcurrentDictionary<Guid, int> _charges = new();

    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        _charges.AddOrUpdate(request.OrderId, 1, (_, n) => n + 1);
        return Task.FromResult(new PaymentResult(true, $"test_{request.OrderId:N}", null));
    }

    public int ChargesFor(Guid orderId) => _charges.GetValueOrDefault(orderId);
}
