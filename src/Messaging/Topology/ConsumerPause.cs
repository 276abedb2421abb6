using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;

namespace OrderHost.Messaging.Topology;

/// <summary>
/// Pauses a durable consumer of the stream until a time, or resumes it (nats-server 2.11+): while paused the
/// server delivers nothing to it, and its messages wait in the stream. The pause is the server's, so it holds
/// for every process sharing the consumer; the server keeps it when a consume loop re-provisions the consumer
/// (after a reconnect, a restart, a new host), until it runs out or is resumed.
/// </summary>
public sealed class ConsumerPause([FromKeyedServices(MessagingIdentities.Operator)] INatsJSContext jetStream, IOptions<NatsOptions> options)
{
    /// <summary>Returns the time the server holds the pause until, or null when the consumer does not exist.</summary>
    public async Task<ConsumerPauseState?> PauseAsync(string consumer, DateTimeOffset until, CancellationToken cancellationToken)
    {
        try
        {
            var response = await jetStream.PauseConsumerAsync(options.Value.Stream.Name, consumer, until, cancellationToken).ConfigureAwait(false);
            return new ConsumerPauseState(response.IsPaused, response.IsPaused ? response.PauseUntil : null);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>False when the consumer does not exist.</summary>
    public async Task<bool> ResumeAsync(string consumer, CancellationToken cancellationToken)
    {
        try
        {
            await jetStream.ResumeConsumerAsync(options.Value.Stream.Name, consumer, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return false;
        }
    }
}

/// <summary>What the server answered to a pause.</summary>
public sealed record ConsumerPauseState(bool Paused, DateTimeOffset? Until);
