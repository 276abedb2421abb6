using System.Collections.Concurrent;

namespace OrderHost.Modules.Audit;

/// <summary>The paid orders the audit module has seen, each once however often it is redelivered.</summary>
public sealed class PaidOrderAudit
{
    private readonly ConcurrentDictionary<Guid, decimal> _paid = new();

    public int Count => _paid.Count;

    public bool Saw(Guid orderId) => _paid.ContainsKey(orderId);

    /// <summary>True the first time the order is seen.</summary>
    internal bool Record(Guid orderId, decimal amount) => _paid.TryAdd(orderId, amount);
}
