using Microsoft.Extensions.Options;
using OrderHost.Messaging;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>
/// Dead letters that match a filter, oldest first, read page by page through <see cref="DeadLetterStore"/>
/// and bounded by <see cref="ConsoleOptions.DeadLetterScanEntries"/> entries looked at per search.
/// </summary>
internal sealed class DeadLetterSearch(DeadLetterStore store, IOptions<ConsoleOptions> options)
{
    public async Task<DeadLetterHits> FindAsync(Func<DeadLetter, bool> match, ulong after, int want, CancellationToken cancellationToken)
    {
        var budget = options.Value.DeadLetterScanEntries;
        var hits = new List<DeadLetter>(want);
        var next = after;
        while (budget > 0)
        {
            var page = await store.ListAsync(next, Math.Min(budget, DeadLetterStore.MaxPageSize), cancellationToken).ConfigureAwait(false);
            foreach (var letter in page)
            {
                budget--;
                next = letter.Sequence;
                if (match(letter))
                {
                    hits.Add(letter);
                    if (hits.Count == want)
                    {
                        return new DeadLetterHits(hits, next, Complete: false);
                    }
                }
            }

            if (page.Count == 0)
            {
                return new DeadLetterHits(hits, null, Complete: true);
            }
        }

        // Out of budget: there may be more; the next search goes on from here.
        return new DeadLetterHits(hits, next, Complete: false);
    }

    /// <summary>The order a dead letter is about: the id in the subject of the message it holds.</summary>
    public static Guid? OrderOf(DeadLetter letter)
        => LedgerSubjects.IdOf(letter.Headers.GetValueOrDefault(MessageHeaders.DeadLetterSubject) ?? letter.Subject);
}

/// <summary>What a search found; <see cref="NextAfter"/> is where to go on (null once the end was reached).</summary>
internal sealed record DeadLetterHits(IReadOnlyList<DeadLetter> Letters, ulong? NextAfter, bool Complete);
