using Microsoft.Extensions.Options;
using OrderHost.Messaging;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Topology;

namespace OrderHost.Tests.Unit;

/// <summary>Configured stream settings reach the stream definitions; a configured subject list replaces the default one.</summary>
[TestFixture]
public sealed class NatsOptionsBindingTests
{
    private static readonly string[] ConfiguredDeadLetterSubjects = ["dlq.>"];

    [Test]
    public void Configured_limits_reach_the_stream_config()
    {
        var options = BoundNatsOptions.From(new() { ["Nats:Stream:MaxMessages"] = "500", ["Nats:Replicas"] = "3" });

        var config = TopologyProvisioner.StreamConfigFor(options.Stream, options.Replicas);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Name, Is.EqualTo("ORDERS"));
            Assert.That(config.MaxMsgs, Is.EqualTo(500));
            Assert.That(config.NumReplicas, Is.EqualTo(3));
            Assert.That(config.DuplicateWindow, Is.EqualTo(TimeSpan.FromMinutes(2)));
        }
    }

    [Test]
    public void Advisories_kept_longer_than_dead_letter_markers_are_refused()
    {
        var longer = BoundNatsOptions.From(new() { ["Nats:AdvisoryStream:MaxAge"] = "100.00:00:00" });
        var unlimited = BoundNatsOptions.From(new() { ["Nats:AdvisoryStream:MaxAge"] = "00:00:00" });
        var bothUnlimited = BoundNatsOptions.From(new() { ["Nats:AdvisoryStream:MaxAge"] = "00:00:00", ["Nats:DeadLetterStream:MaxAge"] = "00:00:00" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => TopologyProvisioner.EnsureMarkersOutliveAdvisories(BoundNatsOptions.From([])), Throws.Nothing, "the defaults: 7 days of advisories, 90 of dead letters");
            Assert.That(() => TopologyProvisioner.EnsureMarkersOutliveAdvisories(longer), Throws.InvalidOperationException.With.Message.Contains("Nats:AdvisoryStream:MaxAge"));
            Assert.That(() => TopologyProvisioner.EnsureMarkersOutliveAdvisories(unlimited), Throws.InvalidOperationException);
            Assert.That(() => TopologyProvisioner.EnsureMarkersOutliveAdvisories(bothUnlimited), Throws.Nothing, "nothing expires");
        }
    }

    [Test]
    public void Configured_dead_letter_subjects_replace_the_defaults()
    {
        var options = BoundNatsOptions.From(new() { ["Nats:DeadLetterStream:Subjects:0"] = ConfiguredDeadLetterSubjects[0] });

        Assert.That(options.DeadLetterStream.Subjects, Is.EqualTo(ConfiguredDeadLetterSubjects));
    }

    [TestCase("Nats:Stream:Subjects:0", "orders.created.*")]
    [TestCase("Nats:DeadLetterStream:Subjects:0", "dead.orders.>")]
    [TestCase("Nats:DeadLetterStream:Subjects:0", "dlq.orders.*.*.*")]
    public void Subjects_that_no_longer_capture_what_the_kernel_writes_are_refused(string key, string subject)
        => Assert.That(
            () => BoundNatsOptions.From(new() { [key] = subject }),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("must capture"));

    [TestCase("orders.>", "orders.paid.7", true)]
    [TestCase("orders.*.*", "orders.paid.7", true)]
    [TestCase(">", "dlq.orders.1.settled", true)]
    [TestCase("orders.>", "orders", false)]
    [TestCase("orders.*", "orders.paid.7", false)]
    [TestCase("dlq.orders.*.*.*", "dlq.orders.1.settled", false)]
    public void Subject_patterns_match_as_nats_does(string pattern, string subject, bool matches)
        => Assert.That(SubjectPattern.Matches(pattern, subject), Is.EqualTo(matches));

    [Test]
    public void A_silent_connection_is_noticed_within_three_seconds_by_default_and_the_settings_bind()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(BoundNatsOptions.From([]).FailureDetectionTime, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(
                BoundNatsOptions.From(new() { ["Nats:PingInterval"] = "00:00:02", ["Nats:MaxPingsOut"] = "3" }).FailureDetectionTime,
                Is.EqualTo(TimeSpan.FromSeconds(8)));
        }
    }

    [Test]
    public void Pings_that_cannot_detect_anything_are_refused()
        => Assert.That(() => BoundNatsOptions.From(new() { ["Nats:MaxPingsOut"] = "0" }), Throws.TypeOf<OptionsValidationException>());
}
