using Microsoft.AspNetCore.Mvc;
using OrderHost.Host.OperatorConsole.Reads;
using OrderHost.Messaging.DeadLetters;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>One dead letter: why, from where, its headers and its body; replay or delete it.</summary>
internal sealed class DeadLetterModel(DeadLetterStore store) : ConsolePage
{
    public DeadLetter? Letter { get; private set; }

    public Guid? OrderId => Letter is null ? null : DeadLetterSearch.OrderOf(Letter);

    public string Body => Letter is null ? string.Empty : JsonText.Pretty(Letter.Data);

    public async Task<IActionResult> OnGetAsync(ulong seq, CancellationToken cancellationToken)
    {
        Letter = await ReadOrReportAsync(() => store.FindAsync(seq, cancellationToken), null, "the dead letter");
        if (Letter is null && Problem is null)
        {
            return NotFound();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostReplayAsync(ulong seq, CancellationToken cancellationToken)
    {
        var order = await store.FindAsync(seq, cancellationToken) is { } letter ? DeadLetterSearch.OrderOf(letter) : null;
        Report(await DeadLetterActions.ReplayAsync(store, [seq], cancellationToken));
        return order is { } id ? Redirect($"{ConsoleSetup.BasePath}/orders?q={id:D}") : RedirectToPage("/DeadLetters");
    }

    public async Task<IActionResult> OnPostDeleteAsync(ulong seq, CancellationToken cancellationToken)
    {
        Report(await DeadLetterActions.DeleteAsync(store, [seq], cancellationToken));
        return RedirectToPage("/DeadLetters");
    }
}
