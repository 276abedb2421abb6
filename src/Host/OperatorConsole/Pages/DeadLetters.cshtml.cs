using Microsoft.AspNetCore.Mvc;
using OrderHost.Host.OperatorConsole.Reads;
using OrderHost.Messaging.DeadLetters;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>Dead letters, oldest first, a page at a time, filtered by reason and consumer; replay or delete a selection.</summary>
internal sealed class DeadLettersModel(DeadLetterStore store, DeadLetterSearch search, ModuleMap modules, TimeProvider time) : ConsolePage
{
    private const int PageSize = 20;

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Consumer { get; set; }

    [BindProperty(SupportsGet = true)]
    public ulong After { get; set; }

    public DeadLetterHits Hits { get; private set; } = new([], null, true);

    public IReadOnlyList<string> Consumers => [.. modules.Modules.SelectMany(m => m.Consumers).Order(StringComparer.Ordinal)];

    public DateTimeOffset Now => time.GetUtcNow();

    public ModuleMap Modules => modules;

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Hits = await ReadOrReportAsync(() => search.FindAsync(Matches, After, PageSize, cancellationToken), Hits, "the dead letters");

    public async Task<IActionResult> OnPostReplayAsync(ulong[] selected, CancellationToken cancellationToken)
    {
        Report(selected.Length == 0 ? "Nothing selected." : await DeadLetterActions.ReplayAsync(store, selected, cancellationToken));
        return RedirectToPage(new { Reason, Consumer, After });
    }

    public async Task<IActionResult> OnPostDeleteAsync(ulong[] selected, CancellationToken cancellationToken)
    {
        Report(selected.Length == 0 ? "Nothing selected." : await DeadLetterActions.DeleteAsync(store, selected, cancellationToken));
        return RedirectToPage(new { Reason, Consumer, After });
    }

    private bool Matches(DeadLetter letter)
        => (string.IsNullOrWhiteSpace(Reason) || letter.Reason?.Contains(Reason.Trim(), StringComparison.OrdinalIgnoreCase) == true)
            && (string.IsNullOrWhiteSpace(Consumer) || letter.Consumer == Consumer);
}
