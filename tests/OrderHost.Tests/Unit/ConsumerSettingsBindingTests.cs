using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging;
using OrderHost.Messaging.Consuming;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

/// <summary>
/// A consumer's settings: kernel defaults, then the module's choices, then <c>Nats:Consumers</c>, then
/// <c>Nats:Consumers:{durable}</c>. A configured list replaces the default list.
/// </summary>
[TestFixture]
public sealed class ConsumerSettingsBindingTests
{
    private const string Durable = "test-consumer";

    [Test]
    public void Defaults_apply_without_configuration()
    {
        var settings = SettingsFor([]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.MaxDeliver, Is.EqualTo(-1), "no delivery limit: transient failures are retried until they succeed");
            Assert.That(settings.HasDeliveryLimit, Is.False);
            Assert.That(settings.NakDelays, Is.Empty, "no fixed schedule: exponential back-off");
            Assert.That(settings.NakDelayFor(1), Is.InRange(TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2)), "first retry");
            Assert.That(settings.NakDelayFor(4), Is.InRange(TimeSpan.FromSeconds(6.4), TimeSpan.FromSeconds(9.6)), "fourth retry: 8 s ± 20 %");
            Assert.That(settings.NakDelayFor(40), Is.InRange(TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6)), "capped at 5 min ± 20 %");
        }
    }

    [Test]
    public void Configured_max_deliver_applies_to_every_consumer_and_a_per_consumer_value_wins()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SettingsFor(new() { ["Nats:Consumers:MaxDeliver"] = "7" }).MaxDeliver, Is.EqualTo(7));
            Assert.That(
                SettingsFor(new() { ["Nats:Consumers:MaxDeliver"] = "7", [$"Nats:Consumers:{Durable}:MaxDeliver"] = "3" }).MaxDeliver,
                Is.EqualTo(3));
        }
    }

    [Test]
    public void Module_choice_beats_the_default_and_configuration_beats_the_module()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SettingsFor([], s => s.MaxDeliver = 9).MaxDeliver, Is.EqualTo(9));
            Assert.That(SettingsFor(new() { [$"Nats:Consumers:{Durable}:MaxDeliver"] = "2" }, s => s.MaxDeliver = 9).MaxDeliver, Is.EqualTo(2));
        }
    }

    [Test]
    public void The_handler_deadline_defaults_to_two_thirds_of_ack_wait_and_progress_is_reported_every_third()
    {
        var settings = SettingsFor([]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.EffectiveHandlerTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(settings.ProgressInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(SettingsFor(new() { ["Nats:Consumers:HandlerTimeout"] = "00:00:05" }).EffectiveHandlerTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        }
    }

    [TestCase("00:00:30", "00:00:30", TestName = "A handler deadline as long as AckWait is refused at start")]
    [TestCase("00:00:30", "00:01:00", TestName = "A handler deadline longer than AckWait is refused at start")]
    [TestCase("00:00:00.500", null, TestName = "An AckWait under one second is refused at start")]
    public void Settings_where_a_running_handler_could_be_redelivered_are_refused(string ackWait, string? handlerTimeout)
    {
        var configuration = new Dictionary<string, string?> { ["Nats:Consumers:AckWait"] = ackWait };
        if (handlerTimeout is not null)
        {
            configuration["Nats:Consumers:HandlerTimeout"] = handlerTimeout;
        }

        Assert.That(() => SettingsFor(configuration), Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("AckWait"));
    }

    [Test]
    public void Configured_nak_delays_replace_the_defaults()
    {
        var settings = SettingsFor(new() { ["Nats:Consumers:NakDelays:0"] = "00:00:00.100" });

        Assert.That(settings.NakDelays, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(100) }));
    }

    [Test]
    public void Configured_per_consumer_nak_delays_replace_the_defaults()
    {
        var settings = SettingsFor(new()
        {
            [$"Nats:Consumers:{Durable}:NakDelays:0"] = "00:00:00.200",
            [$"Nats:Consumers:{Durable}:NakDelays:1"] = "00:00:00.400",
        });

        Assert.That(settings.NakDelays, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400) }));
    }

    private static ConsumerSettings SettingsFor(Dictionary<string, string?> values, Action<ConsumerSettings>? moduleChoice = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMessaging(configuration, OrderLedger.Definition);
        services.AddModuleMessaging("Test").AddConsumer(Durable, c =>
        {
            c.On<OrderCreated, IgnoringHandler>(OrderEvents.Created);
            if (moduleChoice is not null)
            {
                c.Configure(moduleChoice);
            }
        });
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<ConsumerDefinition>().Single(d => d.DurableName == Durable).Settings;
    }
}
