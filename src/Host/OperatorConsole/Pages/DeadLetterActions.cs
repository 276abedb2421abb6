using OrderHost.Messaging.DeadLetters;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>Replays or deletes dead letters one by one and says in one sentence what came of it.</summary>
internal static class DeadLetterActions
{
    public static async Task<string> ReplayAsync(DeadLetterStore store, IReadOnlyCollection<ulong> sequences, CancellationToken cancellationToken)
    {
        var results = new List<(ulong Sequence, ReplayResult Result)>();
        foreach (var sequence in sequences)
        {
            results.Add((sequence, await store.ReplayAsync(sequence, cancellationToken)));
        }

        return "Replay: " + string.Join("; ", results.GroupBy(r => r.Result).Select(g => $"{Describe(g.Key)} {string.Join(", ", g.Select(r => "#" + r.Sequence))}")) + ".";
    }

    public static async Task<string> DeleteAsync(DeadLetterStore store, IReadOnlyCollection<ulong> sequences, CancellationToken cancellationToken)
    {
        var deleted = new List<ulong>();
        var missing = new List<ulong>();
        foreach (var sequence in sequences)
        {
            (await store.DeleteAsync(sequence, cancellationToken) ? deleted : missing).Add(sequence);
        }

        return $"Deleted {deleted.Count}" + (missing.Count > 0 ? $"; not found {string.Join(", ", missing.Select(s => "#" + s))}" : string.Empty) + ".";
    }

    private static string Describe(ReplayResult result) => result switch
    {
        ReplayResult.Replayed => "published again",
        ReplayResult.AlreadyDone => "already done (the order had moved on; entry removed)",
        ReplayResult.NotFound => "not found",
        _ => "original message no longer in the stream (nothing replayed)",
    };
}
