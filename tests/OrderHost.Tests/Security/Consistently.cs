using System.Diagnostics;

namespace OrderHost.Tests.Security;

/// <summary>
/// The negative twin of Eventually: a condition must hold at every probe, every 200 ms, for a whole
/// period (no single long sleep). Fails at the first probe that breaks it.
/// </summary>
public static class Consistently
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <returns>The observations made, so a test can show them.</returns>
    public static async Task<IReadOnlyList<T>> Holds<T>(Func<Task<T>> probe, Func<T, bool> holds, string description, TimeSpan period)
    {
        var observations = new List<T>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var observation = await probe();
            observations.Add(observation);
            if (!holds(observation))
            {
                Assert.Fail($"Expected {description} for {period.TotalSeconds:0.#} s, but after {clock.Elapsed.TotalSeconds:0.0} s observed: {observation}");
            }

            if (clock.Elapsed >= period)
            {
                return observations;
            }

            await Task.Delay(Interval);
        }
    }
}
