using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>Every durable consumer of the stream as the server reports it now, with this process's loops beside them.</summary>
internal sealed class ConsumerOverview(NatsConnections connections, IOptions<NatsOptions> options, MessagingStatus status, ModuleMap modules)
{
    public async Task<IReadOnlyList<ConsumerRow>> ReadAsync(CancellationToken cancellationToken)
    {
        var jetStream = connections.JetStream(MessagingIdentities.Operator);
        var local = status.Consumers.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var rows = new List<ConsumerRow>();
        await foreach (var consumer in jetStream.ListConsumersAsync(options.Value.Stream.Name, cancellationToken).ConfigureAwait(false))
        {
            var info = consumer.Info;
            if (string.IsNullOrEmpty(info.Config.DurableName))
            {
                continue; // short-lived readers, the console's own among them
            }

            var module = modules.OwnerOfConsumer(info.Name);
            var loop = local.TryGetValue(info.Name, out var s) ? new LocalLoop(s.Running, s.LastError, s.Restarts) : null;
            rows.Add(new ConsumerRow(
                info.Name, module, modules.RunsHere(module), info.NumPending, info.NumAckPending, info.NumRedelivered,
                info.Delivered.StreamSeq, info.AckFloor.StreamSeq, info.IsPaused, info.IsPaused ? info.PauseRemaining : null, loop));
        }

        return [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal)];
    }
}
