using System.Collections.Concurrent;
using OrderHost.Payments;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A payment provider double that fails on purpose: for a marked customer it throws a number of times
/// (a transient outage), or on every call until the test "fixes" it. It approves totals below the
/// default approval limit (10000) and declines the rest, and counts every call per order.
/// </summary>
public sealed class FlakyPaymentGateway : IPaymentGateway
{
    public const decimal ApprovalLimit = 10000m;

    private readonly ConcurrentDictionary<Guid, int> _calls = new();
    private readonly Dictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _declining = new(StringComparer.Ordinal);

    public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(request.OrderId, 1, (_, n) => n + 1);
        lock (_failuresLeft)
        {
            if (_failuresLeft.TryGetValue(request.CustomerId, out var left) && left > 0)
            {
                if (left != int.MaxValue)
                {
                    _failuresLeft[request.CustomerId] = left - 1;
                }

                throw new HttpRequestException($"payment provider unavailable for {request.CustomerId} (injected)");
            }
        }

        return Task.FromResult(request.Amount < ApprovalLimit && !_declining.ContainsKey(request.CustomerId)
            ? new PaymentResult(true, $"flaky_{request.OrderId:N}", null)
            : new PaymentResult(false, null, "over the approval limit"));
    }

    /// <summary>The next <paramref name="times"/> charges of this customer throw.</summary>
    public void FailTimes(string customerId, int times)
    {
        lock (_failuresLeft)
        {
            _failuresLeft[customerId] = times;
        }
    }

    /// <summary>Every charge of this customer throws until <see cref="Fix"/>.</summary>
    public void FailUntilFixed(string customerId) => FailTimes(customerId, int.MaxValue);

    public void Fix(string customerId)
    {
        lock (_failuresLeft)
        {
            _failuresLeft.Remove(customerId);
        }
    }

    /// <summary>From now on this customer's charges are declined, as after the approval limit was lowered.</summary>
    public void DeclineFrom(string customerId) => _declining[customerId] = true;

    public int CallsFor(Guid orderId) => _calls.GetValueOrDefault(orderId);

    public IReadOnlyDictionary<Guid, int> Snapshot() => new Dictionary<Guid, int>(_calls);
}
