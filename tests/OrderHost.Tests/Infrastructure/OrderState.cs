namespace OrderHost.Tests.Infrastructure;

/// <summary>The body of GET /orders/{id}.</summary>
public sealed record OrderState(
    Guid OrderId,
    string? CustomerId,
    decimal? Total,
    string? Currency,
    string Status,
    bool Notified,
    IReadOnlyList<OrderStep> History)
{
    public bool HasStep(string status) => History.Any(s => s.Status == status);

    /// <summary>
    /// Paid or failed, and the customer told: nothing more will happen (the ledger appends the notification
    /// only after the outcome, so both are there together).
    /// </summary>
    public bool IsCompleted => Notified && Status is "paid" or "payment_failed";

    public override string ToString()
        => $"order {OrderId}: status={Status}, notified={Notified}, history=[{string.Join(", ", History.Select(s => $"{s.Status}@{s.At:O}"))}]";
}
