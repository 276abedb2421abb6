using Microsoft.AspNetCore.Mvc;
using OrderHost.Host.OperatorConsole.Reads;
using OrderHost.Messaging.Topology;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>Every durable consumer: replay it from a sequence or a time, pause it for a while, resume it.</summary>
internal sealed class ConsumersModel(ConsumerOverview overview, ConsumerReplay replay, ConsumerPause pause, TimeProvider time) : ConsolePage
{
    public IReadOnlyList<ConsumerRow> Consumers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Consumers = await ReadOrReportAsync(() => overview.ReadAsync(cancellationToken), [], "the consumers");

    /// <summary><paramref name="fromTime"/> is UTC, as the page says.</summary>
    public async Task<IActionResult> OnPostReplayAsync(string name, ulong? fromSequence, DateTime? fromTime, CancellationToken cancellationToken)
    {
        if (fromSequence is null == fromTime is null)
        {
            Report($"Replay of {name}: give a sequence or a time, not both or neither.");
            return RedirectToPage();
        }

        var from = fromTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        var result = await replay.ReplayAsync(name, fromSequence, from, cancellationToken);
        Report(result is { } seq ? $"{name} delivers again from stream sequence {seq}." : $"No consumer {name}.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPauseAsync(string name, int minutes, CancellationToken cancellationToken)
    {
        if (minutes is < 1 or > 10_080)
        {
            Report($"Pause of {name}: give 1 to 10080 minutes.");
            return RedirectToPage();
        }

        var state = await pause.PauseAsync(name, time.GetUtcNow().AddMinutes(minutes), cancellationToken);
        Report(state switch
        {
            null => $"No consumer {name}.",
            { Paused: true, Until: { } until } => $"{name} is paused until {until:u}.",
            _ => $"The server did not pause {name}.",
        });
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostResumeAsync(string name, CancellationToken cancellationToken)
    {
        Report(await pause.ResumeAsync(name, cancellationToken) ? $"{name} is resumed." : $"No consumer {name}.");
        return RedirectToPage();
    }
}
