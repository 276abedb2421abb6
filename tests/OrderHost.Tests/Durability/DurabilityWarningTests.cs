using System.Net;
using Microsoft.Extensions.Logging;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Durability;

/// <summary>
/// The host finds out at start whether one power loss can lose acknowledged orders: a one-replica
/// stream on a server that acknowledges before fsyncing is reported (warning, gauge, readiness
/// details) and a server that fsyncs before every acknowledgement is not. Either way the host is ready.
/// </summary>
[TestFixture]
public sealed class DurabilityWarningTests
{
    private const string AtRiskWarning = "DURABILITY AT RISK";
    private static readonly string[] Streams = [BrokerProbe.OrdersStream, BrokerProbe.DeadLetterStream];

    [Test]
    public async Task A_one_replica_stream_on_a_server_that_fsyncs_every_second_is_reported_at_risk()
    {
        await using var server = await NatsServer.StartNewAsync(syncInterval: "1s");
        var logs = new SecureLogCapture();
        await using var host = await StartHostAsync(server, logs);

        var report = await DurabilityReport.WaitForAsync(host, Streams);

        var warnings = logs.Containing(AtRiskWarning);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.AtRiskByStream[BrokerProbe.OrdersStream], Is.EqualTo(1), DurabilityReport.Metric + "{stream=ORDERS}");
            Assert.That(report.AtRiskByStream[BrokerProbe.DeadLetterStream], Is.EqualTo(1), DurabilityReport.Metric + "{stream=ORDERS_DLQ}");
            Assert.That(report.Readiness.Status, Is.EqualTo(HttpStatusCode.OK), "at risk is reported, not refused: " + report.Readiness);
            Assert.That(report.Readiness.Body, Does.Contain($"AT RISK, ORDERS has 1 replica, on orderhost-test-{server.Port}, which fsyncs only every 1 s"));
            Assert.That(
                warnings,
                Has.Exactly(1).Matches<string>(w => w.StartsWith("Warning ", StringComparison.Ordinal)
                    && w.Contains("stream ORDERS.", StringComparison.Ordinal)
                    && w.Contains("sync_interval: always", StringComparison.Ordinal)),
                string.Join("\n", logs.Entries));
        }
    }

    [Test]
    public async Task A_server_that_fsyncs_before_every_acknowledgement_is_not_reported()
    {
        await using var server = await NatsServer.StartNewAsync(syncInterval: "always");
        var logs = new SecureLogCapture();
        await using var host = await StartHostAsync(server, logs);

        var report = await DurabilityReport.WaitForAsync(host, Streams);

        // The gauge is set before the verdicts are logged: wait for the last one before looking for warnings.
        await Eventually.True(() => Task.FromResult(logs.Containing("Durability of stream ORDERS_DLQ").Count == 1), "the ORDERS_DLQ verdict to be logged");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.AtRiskByStream[BrokerProbe.OrdersStream], Is.Zero, DurabilityReport.Metric + "{stream=ORDERS}");
            Assert.That(report.AtRiskByStream[BrokerProbe.DeadLetterStream], Is.Zero, DurabilityReport.Metric + "{stream=ORDERS_DLQ}");
            Assert.That(report.Readiness.Status, Is.EqualTo(HttpStatusCode.OK), report.ToString());
            Assert.That(report.Readiness.Body, Does.Contain($"ORDERS has 1 replica, on orderhost-test-{server.Port}, which fsyncs before every acknowledgement"));
            Assert.That(report.Readiness.Body, Does.Not.Contain("AT RISK"));
            Assert.That(logs.Containing(AtRiskWarning), Is.Empty);
        }
    }

    private static Task<RunningOrderHost> StartHostAsync(NatsServer server, SecureLogCapture logs)
        => RunningOrderHost.StartAsync(
            server,
            new Dictionary<string, string?> { ["Nats:MonitoringUrl"] = server.MonitoringUrl },
            logs.AddTo(LogLevel.Information));
}
