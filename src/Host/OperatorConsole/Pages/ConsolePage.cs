using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>What every console page does: show what it could not read instead of failing, and report an action's result after the redirect.</summary>
internal abstract class ConsolePage : PageModel
{
    /// <summary>Why part of the page could not be read (NATS unreachable, a stream without leader), shown at the top.</summary>
    public string? Problem { get; private set; }

    protected void Report(string result) => TempData["Result"] = result;

    /// <summary>Runs a read; on failure keeps the message for the page and returns the fallback.</summary>
    protected async Task<T> ReadOrReportAsync<T>(Func<Task<T>> read, T fallback, string what)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !HttpContext.RequestAborted.IsCancellationRequested)
        {
            Problem = Problem is null ? $"Could not read {what}: {ex.Message}" : $"{Problem} · Could not read {what}: {ex.Message}";
            return fallback;
        }
    }
}
