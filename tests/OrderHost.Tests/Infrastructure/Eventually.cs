using System.Diagnostics;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Waits for an eventual effect by probing every 50 ms until a deadline, then fails with the last
/// observation. Probes return observations instead of asserting, so a miss is not recorded as a failure.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns the first observation that satisfies <paramref name="isSatisfied"/>.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> isSatisfied, string description, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var last = "nothing observed";
        while (true)
        {
            try
            {
                var observation = await probe();
                if (isSatisfied(observation))
                {
                    return observation;
                }

                last = Describe(observation);
            }
            catch (Exception ex) when (ex is not AssertionException)
            {
                // A probe may fail while the system recovers (e.g. connection refused during a restart).
                last = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (clock.Elapsed >= limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {description}. Last observation: {last}");
            }

            await Task.Delay(Interval);
        }
    }

    private static string Describe(object? observation) => observation switch
    {
        null => "null",
        string text => text,
        System.Collections.IEnumerable items => $"[{string.Join("; ", items.Cast<object?>().Select(i => i?.ToString() ?? "null"))}]",
        _ => observation.ToString() ?? "null",
    };

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    public static Task True(Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
        => Until(condition, ok => ok, description, timeout);
}
