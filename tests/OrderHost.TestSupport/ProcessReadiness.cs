using System.Diagnostics;

namespace OrderHost.TestSupport;

/// <summary>Waits until a child process's HTTP health URL answers 2xx, failing early when the process exits.</summary>
public static class ProcessReadiness
{
    public static async Task WaitAsync(Process process, Uri url, TimeSpan timeout, string name, Func<string> describeFailure)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} while starting.\n{describeFailure()}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"{name} was not ready within {timeout}: {last}\n{describeFailure()}");
    }
}
