using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream.Models;
using OrderHost.Messaging;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Ledger;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Kernel;

/// <summary>
/// The messaging kernel alone, with none of the shipped modules, serving a ledger of shipments: it provisions that
/// ledger's streams on a real server, a consumer handles an event, and a poison message is dead-lettered under the
/// ledger's own dead-letter subjects, traced and logged with the shipment's id.
/// </summary>
[TestFixture]
public sealed class GenericKernelTests : NatsServerFixture
{
    private static readonly string[] ShipmentStreams = ["SHIPMENTS", "SHIPMENTS_DLQ", "SHIPMENTS_ADVISORIES"];
    private static readonly string[] LedgerSubjects = ["shipments.>"];
    private static readonly string[] DeadLetterSubjects = ["dlq.shipments.>"];
    private static readonly string[] PackedFilter = ["shipments.packed.*"];

    private readonly SecureLogCapture _logs = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private ActivityListener? _listener;
    private IHost? _host;

    private IHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    [OneTimeSetUp]
    public async Task StartKernelAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nats:Url"] = Server.Url,
            ["Nats:MonitoringUrl"] = string.Empty,
        });
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<PackedShipments>();
        builder.Services.AddMessaging(builder.Configuration, ShipmentLedger.Definition);
        builder.Services.AddModuleMessaging(ShipmentLedger.Module)
            .Publishes(ShipmentLedger.Packed)
            .AddConsumer(ShipmentLedger.PackedConsumer, c => c.On<ShipmentPacked, PackedShipmentHandler>(ShipmentLedger.Packed));
        _host = builder.Build();
        await _host.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopKernelAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        _listener?.Dispose();
    }

    [Test]
    public async Task The_ledger_it_was_given_is_provisioned_and_no_other()
    {
        var consumer = await Eventually.Until(
            async () => await Broker.JetStream.GetConsumerAsync("SHIPMENTS", ShipmentLedger.PackedConsumer),
            _ => true,
            "the shipments consumer");
        var streams = new List<string>();
        await foreach (var name in Broker.JetStream.ListStreamNamesAsync())
        {
            streams.Add(name);
        }

        var ledger = await Broker.JetStream.GetStreamAsync("SHIPMENTS");
        var deadLetters = await Broker.JetStream.GetStreamAsync("SHIPMENTS_DLQ");
        var advisories = await Broker.JetStream.GetStreamAsync("SHIPMENTS_ADVISORIES");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(streams, Is.EquivalentTo(ShipmentStreams));
            Assert.That(ledger.Info.Config.Subjects, Is.EqualTo(LedgerSubjects));
            Assert.That(deadLetters.Info.Config.Subjects, Is.EqualTo(DeadLetterSubjects));
            Assert.That(advisories.Info.Config.Subjects, Has.All.EndsWith(".SHIPMENTS.*"));
            Assert.That(Filters(consumer.Info.Config), Is.EqualTo(PackedFilter));
        }
    }

    [Test]
    public async Task A_consumer_of_the_ledger_handles_its_event()
    {
        var shipmentId = Guid.CreateVersion7();

        await AppendAsync(shipmentId, PackedShipmentHandler.KnownCarrier);

        var packed = Host.Services.GetRequiredService<PackedShipments>();
        await Eventually.Until(() => Task.FromResult(packed.Ids.ContainsKey(shipmentId)), handled => handled, $"shipment {shipmentId} handled");
    }

    [Test]
    public async Task A_poison_message_is_dead_lettered_under_the_ledgers_subjects_with_its_entity_in_trace_and_log()
    {
        var shipmentId = Guid.CreateVersion7();

        var sequence = await AppendAsync(shipmentId, "unknown-carrier");

        var entry = $"dlq.shipments.{sequence}.packed.{shipmentId:D}";
        var store = Host.Services.GetRequiredService<DeadLetterStore>();
        var letters = await Eventually.Until(
            () => store.ListAsync(0, DeadLetterStore.MaxPageSize, CancellationToken.None),
            list => list.Any(l => l.Subject == entry),
            $"a dead letter on {entry}");
        var letter = letters.Single(l => l.Subject == entry);

        // The process span ends once the message is settled, a moment after its dead letter is stored.
        var processed = await Eventually.Until(
            () => Task.FromResult(_spans.Where(s => s.OperationName == "shipments.packed process" && Equals(s.GetTagItem("orderhost.shipment_id"), shipmentId)).ToList()),
            spans => spans.Count > 0,
            "the process span tagged with the shipment's id");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Broker.CountAsync(entry, "SHIPMENTS_DLQ"), Is.EqualTo(1UL), "stored in the ledger's dead-letter stream");
            Assert.That(letter.Consumer, Is.EqualTo(ShipmentLedger.PackedConsumer));
            Assert.That(letter.StreamSequence, Is.EqualTo(sequence));
            Assert.That(processed.Select(s => s.GetTagItem("messaging.destination.name")), Has.All.EqualTo(ShipmentLedger.Packed.SubjectFor(shipmentId)));
            Assert.That(_logs.Containing("dead-lettering it").Where(e => e.Contains($"ShipmentId={shipmentId:D}", StringComparison.Ordinal)), Is.Not.Empty);
        }
    }

    private static IEnumerable<string> Filters(ConsumerConfig config)
        => [.. config.FilterSubjects ?? [], .. config.FilterSubject is { } one ? [one] : Array.Empty<string>()];

    private async Task<ulong> AppendAsync(Guid shipmentId, string carrier)
    {
        var ledger = Host.Services.GetRequiredKeyedService<IEventLedger>(ShipmentLedger.Module);
        var appended = await ledger.AppendAsync(
            ShipmentLedger.Packed,
            new ShipmentPacked(ShipmentPacked.CurrentVersion, shipmentId, carrier),
            ShipmentLedger.Packed.SubjectFor(shipmentId),
            MessageIds.For(shipmentId, ShipmentLedger.PackedStep),
            AppendCondition.First(ShipmentLedger.HistoryOf(shipmentId)),
            shipmentId.ToString("D"),
            CancellationToken.None);
        Assert.That(appended.StoredNow, Is.True, $"packed of {shipmentId}: {appended}");
        return appended.Sequence;
    }
}
