using Microsoft.Extensions.Options;
using OrderHost.Host.OperatorConsole.Reads;
using OrderHost.Messaging.Ledger;
using OrderHost.Orders.Contracts;

namespace OrderHost.Host.OperatorConsole.Charts;

/// <summary>
/// Every <see cref="ConsoleOptions.SampleInterval"/>, reads each consumer's lag and the orders stored in the last
/// minute for the overview's charts: a few JetStream API calls per interval, only while the console is on.
/// </summary>
internal sealed partial class ConsoleSampler(
    ConsumerOverview consumers,
    OperatorStreamReads reads,
    SampleHistory history,
    IOptions<ConsoleOptions> options,
    TimeProvider timeProvider,
    ILogger<ConsoleSampler> logger) : BackgroundService
{
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = timeProvider.GetUtcNow();
            var rows = await consumers.ReadAsync(cancellationToken).ConfigureAwait(false);
            var orders = await reads.CountSinceAsync(reads.OrdersStream, LedgerSubjects.StepFilter(OrderEvents.Created.Subject), now - OneMinute, cancellationToken).ConfigureAwait(false);
            history.Add(new ConsoleSample(now, rows.ToDictionary(r => r.Name, r => (long)r.Pending + r.AckPending, StringComparer.Ordinal), orders));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A gap in the chart, not an error: the overview says whether NATS is reachable.
            LogSampleFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The operator console's chart sample was not taken: {Error}")]
    private partial void LogSampleFailed(string error);
}
