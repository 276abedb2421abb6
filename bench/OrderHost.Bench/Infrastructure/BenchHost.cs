using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// The application under test, with all modules, listening on 127.0.0.1: inside the benchmark process
/// (<see cref="InProcessHost"/>) or as the shipped OrderHost.dll in a child process (<see cref="OutOfProcessHost"/>).
/// What both share: the topology they declare and the readiness wait.
/// </summary>
internal abstract class BenchHost(Uri baseAddress) : IAsyncDisposable
{
    /// <summary>Every durable consumer the modules declare; measuring starts once all of them exist.</summary>
    public static readonly string[] DurableConsumers =
        [PaymentConsumers.Processor, NotificationConsumers.Paid, NotificationConsumers.Failed];

    public static string StreamName => OrderLedger.Definition.StreamName;

    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>Why the host can no longer become ready (its process exited); null while it runs.</summary>
    protected virtual string? Gone => null;

    /// <summary>Added to a readiness failure: what the host last wrote, where that can be seen.</summary>
    protected virtual string LastOutput() => string.Empty;

    /// <summary>Ready = /health/ready answers 200 and every durable consumer exists on the server.</summary>
    public async Task WaitReadyAsync(HttpClient http, INatsJSContext jetStream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var lastProblem = "not asked yet";
        try
        {
            while (true)
            {
                if (Gone is { } gone)
                {
                    throw new InvalidOperationException($"The host {gone} before it was ready ({lastProblem}).{LastOutput()}");
                }

                try
                {
                    // The consumers exist only once the topology is provisioned: ask the server first.
                    foreach (var durable in DurableConsumers)
                    {
                        await jetStream.GetConsumerAsync(StreamName, durable, cts.Token).ConfigureAwait(false);
                    }

                    using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"), cts.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }

                    lastProblem = $"/health/ready answered {(int)response.StatusCode}";
                }
                catch (NatsJSApiException ex)
                {
                    lastProblem = $"consumer not there yet: {ex.Error.Description}";
                }
                catch (HttpRequestException ex)
                {
                    lastProblem = ex.Message;
                }

                await Task.Delay(50, cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The host did not become ready within {timeout.TotalSeconds} s ({lastProblem}).{LastOutput()}");
        }
    }

    public abstract ValueTask DisposeAsync();
}
