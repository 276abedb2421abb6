namespace OrderHost.Messaging.Consuming;

/// <summary>The server-side shape of a consumer, and the check that the server kept it.</summary>
internal static class ConsumerConfigFactory
{
    public static ConsumerConfig Create(ConsumerDefinition definition)
    {
        var settings = definition.Settings;
        var subjects = definition.Filters.ToArray();
        var config = new ConsumerConfig(definition.DurableName)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = DeliverPolicyOf(settings.Start),
            AckWait = settings.AckWait,
            MaxDeliver = settings.MaxDeliver,
            MaxAckPending = settings.MaxAckPending,
        };

        if (settings.Start == ConsumerStart.ByStartTime)
        {
            config.OptStartTime = settings.StartTime
                ?? throw new InvalidOperationException($"Consumer '{definition.DurableName}' starts by time but has no StartTime.");
        }

        // Always filter: a durable without one would receive every subject of the stream.
        if (subjects.Length == 1)
        {
            config.FilterSubject = subjects[0];
        }
        else
        {
            config.FilterSubjects = subjects;
        }

        return config;
    }

    // The server applies the policy when it creates the durable and refuses to change it later (delete the durable
    // to start it elsewhere); an existing durable resumes at its own position.
    private static ConsumerConfigDeliverPolicy DeliverPolicyOf(ConsumerStart start) => start switch
    {
        ConsumerStart.All => ConsumerConfigDeliverPolicy.All,
        ConsumerStart.New => ConsumerConfigDeliverPolicy.New,
        ConsumerStart.ByStartTime => ConsumerConfigDeliverPolicy.ByStartTime,
        _ => throw new ArgumentOutOfRangeException(nameof(start), start, "unknown consumer start"),
    };

    public static void EnsureServerHonoured(ConsumerDefinition definition, ConsumerConfig actual)
    {
        var expected = definition.Filters;
        var got = (actual.FilterSubjects is { Count: > 0 } many ? many : [actual.FilterSubject ?? string.Empty])
            .Order(StringComparer.Ordinal);
        if (!expected.SequenceEqual(got, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"Consumer '{definition.DurableName}' has filter [{string.Join(',', got)}] on the server, not [{string.Join(',', expected)}].");
        }
    }
}
