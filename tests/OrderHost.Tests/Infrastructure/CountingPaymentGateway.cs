using System.Collections.Concurrent;
using OrderHost.Payments;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Approves every charge and counts charge attempts per order, to prove an order is charged once.
/// For customers marked unreachable it throws, as a payment provider that is down would.
/// </summary>
public sealed class CountingPaymentGateway : IPaymentGateway
{
    private readonly ConcurrentDictionary<Guid, int> _charges = new();
    private readonly ConcurrentDictionary<string, bool> _unreachableFor = new();

    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        _charges.AddOrUpdate(request.OrderId, 1, (_, n) => n + 1);
        return _unreachableFor.ContainsKey(request.CustomerId)
            ? throw new HttpRequestException($"payment provider unreachable for {request.CustomerId}")
            : Task.FromResult(new PaymentResult(true, $"test_{request.OrderId:N}", null));
    }

    public void MakeUnreachableFor(string customerId) => _unreachableFor[customerId] = true;

    public int ChargesFor(Guid orderId) => _charges.GetValueOrDefault(orderId);

    public IReadOnlyDictionary<Guid, int> Snapshot() => new Dictionary<Guid, int>(_charges);
}
