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

    public override string ToString()
        => $"order {OrderId}: status={Status}, notified={Notified}, history=[{string.Join(", ", History.Select(s => $"{s.Status}@{s.At:O}"))}]";
}
