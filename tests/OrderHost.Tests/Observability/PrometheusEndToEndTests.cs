using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes the running host's /metrics every second: the target is up and the
/// contract's counters arrive with the values the host produced, and so do the streams' and the server's gauges.
/// </summary>
[TestFixture]
public sealed class PrometheusEndToEndTests : OrderHostFixture
{
    private const int Orders = 7;
    private const int OverLimit = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private PrometheusServer? _prometheus;

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Nats:StatsInterval"] = "00:00:00.500",
        ["Nats:MonitoringUrl"] = Server.MonitoringUrl,
    };

    [OneTimeSetUp]
    public async Task StartPrometheusAsync()
    {
        try
        {
            _prometheus = await PrometheusServer.StartAsync(Host.Api.BaseAddress);
        }
        catch (InvalidOperationException ex)
        {
            Assert.Fail($"Cannot start Prometheus: {ex.Message}");
        }
    }

    [OneTimeTearDown]
    public async Task StopPrometheusAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }
    }

    [Test]
    public async Task Prometheus_scrapes_the_host_and_sees_every_accepted_order()
    {
        var prometheus = _prometheus!;
        await Eventually.Until(
            () => prometheus.QuerySumAsync($"up{{job=\"{PrometheusServer.Job}\"}}"),
            up => up == 1,
            $"up{{job=\"{PrometheusServer.Job}\"}} to be 1",
            Patience);

        var placed = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            placed.Add(await Host.Api.PlaceOrderAsync(i < OverLimit ? OrderBodies.OverApprovalLimit() : OrderBodies.Paid()));
        }

        foreach (var orderId in placed)
        {
            await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Patience);
        }

        await ExpectAsync($"sum(orderhost_orders_accepted_total{{job=\"{PrometheusServer.Job}\"}})", Orders);
        await ExpectAsync($"sum(orderhost_payments_processed_total{{job=\"{PrometheusServer.Job}\",outcome=\"failed\"}})", OverLimit);
        await ExpectAsync($"sum(orderhost_payments_processed_total{{job=\"{PrometheusServer.Job}\",outcome=\"paid\"}})", Orders - OverLimit);
        await ExpectAsync($"sum(orderhost_notifications_sent_total{{job=\"{PrometheusServer.Job}\"}})", Orders);
        await ExpectAsync($"sum(orderhost_order_e2e_duration_seconds_count{{job=\"{PrometheusServer.Job}\"}})", Orders);
        await ExpectAsync($"max(orderhost_nats_connected{{job=\"{PrometheusServer.Job}\"}})", 1);
    }

    [Test]
    public async Task Prometheus_scrapes_the_streams_against_their_limits_and_the_servers_state()
    {
        var job = $"job=\"{PrometheusServer.Job}\"";
        // Whether or not the other test's orders came first: compared with the stream as it stands once settled.
        await Broker.WaitUntilSettledAsync(Patience);
        var ledger = (await Broker.JetStream.GetStreamAsync(BrokerProbe.OrdersStream)).Info.State;

        await ExpectAsync($"count(orderhost_stream_has_leader{{{job}}} == 1)", 4);
        await ExpectAsync($"max(orderhost_stream_last_sequence{{{job},stream=\"ORDERS\"}})", ledger.LastSeq);
        await ExpectAsync($"max(orderhost_stream_messages{{{job},stream=\"ORDERS\"}}) / max(orderhost_stream_limit_messages{{{job},stream=\"ORDERS\"}})", ledger.Messages / 10_000_000d);
        await ExpectAsync($"max(orderhost_stream_limit_bytes{{{job},stream=\"ORDERS_DLQ\"}})", 1L * 1024 * 1024 * 1024);
        await ExpectAsync($"count(orderhost_stream_limit_age_seconds{{{job}}})", 4);
        await ExpectAsync($"count(orderhost_nats_server_connections{{{job}}} >= 1)", 1);
        await ExpectAsync($"max(orderhost_nats_server_cluster_size{{{job}}})", 1);
        await ExpectAsync($"count(orderhost_nats_server_storage_used_bytes{{{job}}} > 0)", 1);
    }

    private async Task ExpectAsync(string promql, double expected)
    {
        var prometheus = _prometheus!;
        try
        {
            await Eventually.Until(() => prometheus.QuerySumAsync(promql), v => v == expected, $"{promql} to be {expected}", Patience);
        }
        catch (AssertionException)
        {
            TestContext.Out.WriteLine($"targets: {await prometheus.TargetsAsync()}\nprometheus log:\n{prometheus.RecentLog()}");
            throw;
        }
    }
}
