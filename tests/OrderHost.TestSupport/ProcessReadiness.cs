using System.Net;
using System.Net.Sockets;

namespace OrderHost.TestSupport;

/// <summary>Waits until a child process is ready (its health URL answers 2xx, or its port accepts connections), failing early when it exits.</summary>
public static class ProcessReadiness
{
    public static async Task WaitAsync(Process process, Uri url, TimeSpan timeout, string name, Func<string> describeFailure, CancellationToken cancellationToken = default)
    {
        // Loopback only: never through a proxy from the environment.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            ThrowIfExited(process, name, describeFailure);
            try
            {
                using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
            }
            catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                last = ex.Message;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"{name} was not ready within {timeout}: {last}\n{describeFailure()}");
    }

    /// <summary>Waits until the child accepts TCP connections on <paramref name="port"/> of 127.0.0.1.</summary>
    public static async Task WaitListeningAsync(Process process, int port, TimeSpan timeout, string name, Func<string> describeFailure, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            ThrowIfExited(process, name, describeFailure);
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                // Not yet.
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{name} did not listen on port {port} within {timeout.TotalSeconds} s:\n{describeFailure()}");
    }

    private static void ThrowIfExited(Process process, string name, Func<string> describeFailure)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"{name} exited with code {process.ExitCode} while starting.\n{describeFailure()}");
        }
    }
}
