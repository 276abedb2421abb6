using Microsoft.AspNetCore.Mvc;
using OrderHost.Host.OperatorConsole.Reads;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>Looks an order up by id or correlation id and shows its timeline.</summary>
internal sealed class OrdersModel(OrderLookup lookup) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public CorrelationMatches? Matches { get; private set; }

    public OrderTimeline? Timeline { get; private set; }

    public bool NotFoundInLedger { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var query = Q?.Trim();
        if (string.IsNullOrEmpty(query))
        {
            return;
        }

        if (!Guid.TryParse(query, out var orderId))
        {
            Matches = await ReadOrReportAsync<CorrelationMatches?>(async () => await lookup.FindByCorrelationIdAsync(query, cancellationToken), null, "the orders");
            if (Matches is not { OrderIds: [var only] })
            {
                return;
            }

            orderId = only;
        }

        Timeline = await ReadOrReportAsync(() => lookup.TimelineAsync(orderId, cancellationToken), null, "the order's history");
        NotFoundInLedger = Timeline is null && Problem is null;
    }
}
