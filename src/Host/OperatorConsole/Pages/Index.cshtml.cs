using OrderHost.Host.OperatorConsole.Charts;
using OrderHost.Host.OperatorConsole.Reads;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Ledger;
using OrderHost.Orders.Contracts;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>The overview: is NATS there, how far behind is each consumer, what was dead-lettered, how many orders come in.</summary>
internal sealed class IndexModel(
    NatsConnections connections,
    MessagingStatus status,
    ConsumerOverview consumers,
    OperatorStreamReads reads,
    SampleHistory samples,
    ModuleMap modules,
    TimeProvider time) : ConsolePage
{
    public IReadOnlyList<(string Name, string State, string? Server)> Connections { get; private set; } = [];

    public MessagingStatus Messaging => status;

    public ModuleMap Modules => modules;

    public IReadOnlyList<ConsumerRow> Consumers { get; private set; } = [];

    public ulong? DeadLettersLastHour { get; private set; }

    public ulong? OrdersLastMinute { get; private set; }

    public IReadOnlyList<ConsoleSample> Samples { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Connections = [.. connections.Open.Select(c => (c.Opts.Name, c.ConnectionState.ToString(), c.ServerInfo is { } s ? $"{s.Name} (nats-server {s.Version})" : null))];
        Consumers = await ReadOrReportAsync(() => consumers.ReadAsync(cancellationToken), [], "the consumers");
        DeadLettersLastHour = await ReadOrReportAsync<ulong?>(
            async () => await reads.CountSinceAsync(reads.DeadLetterStream, ">", now.AddHours(-1), cancellationToken), null, "the dead letters");
        OrdersLastMinute = await ReadOrReportAsync<ulong?>(
            async () => await reads.CountSinceAsync(reads.OrdersStream, LedgerSubjects.StepFilter(OrderEvents.Created.Subject), now.AddMinutes(-1), cancellationToken), null, "the orders");
        Samples = samples.Snapshot();
    }

    public IReadOnlyList<double> LagOf(string consumer) => [.. Samples.Select(s => (double)s.Lag.GetValueOrDefault(consumer))];

    public IReadOnlyList<double> OrdersPerMinute() => [.. Samples.Where(s => s.OrdersLastMinute is not null).Select(s => (double)s.OrdersLastMinute!.Value)];
}
