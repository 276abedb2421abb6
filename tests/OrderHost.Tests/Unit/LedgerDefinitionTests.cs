using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Ledger;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

/// <summary>
/// The names the kernel derives from the ledger it serves: for the orders ledger they are the ones operators and
/// dashboards already use; configuration still overrides the stream names; the kernel serves one ledger, added first.
/// </summary>
[TestFixture]
public sealed class LedgerDefinitionTests
{
    private static readonly string[] OrderSubjects = ["orders.>"];
    private static readonly string[] DeadLetterSubjects = ["dlq.orders.>"];
    private static readonly string[] ConfiguredSubjects = ["orders.>", "legacy.orders.>"];

    [Test]
    public void The_orders_ledger_keeps_its_stream_names_subjects_tag_and_log_field()
    {
        var ledger = OrderLedger.Definition;
        var options = BoundNatsOptions.From([]);
        var deadLetters = new DeadLetterSubjects(ledger);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Stream.Name, Is.EqualTo("ORDERS"));
            Assert.That(options.Stream.EffectiveSubjects, Is.EqualTo(OrderSubjects));
            Assert.That(options.DeadLetterStream.Name, Is.EqualTo("ORDERS_DLQ"));
            Assert.That(options.DeadLetterStream.EffectiveSubjects, Is.EqualTo(DeadLetterSubjects));
            Assert.That(options.AdvisoryStream.Name, Is.EqualTo("ORDERS_ADVISORIES"));
            Assert.That(ledger.AggregateIdTag, Is.EqualTo("orderhost.order_id"));
            Assert.That(ledger.AggregateIdLogField, Is.EqualTo("OrderId"));
            Assert.That(deadLetters.EntryFor(42, $"orders.paid.{Guid.Empty:D}"), Is.EqualTo($"dlq.orders.42.paid.{Guid.Empty:D}"));
            Assert.That(deadLetters.SettledFor(42), Is.EqualTo("dlq.orders.42.settled"));
            Assert.That(deadLetters.EntryFilter, Is.EqualTo("dlq.orders.*.*.*"));
            Assert.That(deadLetters.SequenceOf("dlq.orders.42.settled"), Is.EqualTo(42UL));
            Assert.That(deadLetters.IsEntry("dlq.orders.42.settled"), Is.False);
        }
    }

    [Test]
    public void Configured_stream_names_override_the_ledgers()
    {
        var options = BoundNatsOptions.From(new()
        {
            ["Nats:Stream:Name"] = "ORDERS_EU",
            ["Nats:Stream:Subjects:0"] = "orders.>",
            ["Nats:Stream:Subjects:1"] = "legacy.orders.>",
            ["Nats:DeadLetterStream:Name"] = "ORDERS_EU_DLQ",
            ["Nats:AdvisoryStream:Name"] = "ORDERS_EU_ADVISORIES",
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Stream.Name, Is.EqualTo("ORDERS_EU"));
            Assert.That(options.Stream.EffectiveSubjects, Is.EqualTo(ConfiguredSubjects));
            Assert.That(options.DeadLetterStream.Name, Is.EqualTo("ORDERS_EU_DLQ"));
            Assert.That(options.DeadLetterStream.EffectiveSubjects, Is.EqualTo(DeadLetterSubjects));
            Assert.That(options.AdvisoryStream.Name, Is.EqualTo("ORDERS_EU_ADVISORIES"));
        }
    }

    [Test]
    public void Another_entity_names_its_own_tag_and_log_field()
    {
        var ledger = OrderLedger.Definition with { Entity = "shipment" };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ledger.AggregateIdTag, Is.EqualTo("orderhost.shipment_id"));
            Assert.That(ledger.AggregateIdLogField, Is.EqualTo("ShipmentId"));
            Assert.That(ledger.AggregateIdPlaceholder, Is.EqualTo("shipmentId"));
        }
    }

    [Test]
    public void The_kernel_serves_one_ledger_and_comes_before_the_modules()
    {
        var configuration = new ConfigurationBuilder().Build();
        var withoutKernel = new ServiceCollection();
        var withKernel = new ServiceCollection().AddMessaging(configuration, OrderLedger.Definition);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => withoutKernel.AddModuleMessaging("Payments"), Throws.InvalidOperationException.With.Message.Contains("AddMessaging"));
            Assert.That(() => withKernel.AddMessaging(configuration, OrderLedger.Definition), Throws.Nothing, "the same ledger again");
            Assert.That(
                () => withKernel.AddMessaging(configuration, OrderLedger.Definition with { StreamName = "OTHER" }),
                Throws.InvalidOperationException.With.Message.Contains("one ledger"));
        }
    }

    [TestCase("", "ORDERS", "orders", "dlq.orders")]
    [TestCase("Order", "ORDERS", "orders", "dlq.orders")]
    [TestCase("order", "ORD ERS", "orders", "dlq.orders")]
    [TestCase("order", "ORDERS", "orders.>", "dlq.orders")]
    [TestCase("order", "ORDERS", "orders", "orders.dlq")]
    public void A_ledger_that_cannot_name_streams_and_subjects_is_refused(string entity, string stream, string root, string deadLetterRoot)
        => Assert.That(
            () => new LedgerDefinition(entity, stream, root, "ORDERS_DLQ", deadLetterRoot, "ORDERS_ADVISORIES").Validate(),
            Throws.ArgumentException);
}
