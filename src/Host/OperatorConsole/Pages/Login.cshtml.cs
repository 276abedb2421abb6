using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using OrderHost.Host.Admin;

namespace OrderHost.Host.OperatorConsole.Pages;

/// <summary>Trades the operator key for a session cookie; the only console page open without one.</summary>
internal sealed class LoginModel : ConsolePage
{
    private static readonly TimeSpan RefusalDelay = TimeSpan.FromSeconds(1);
    private readonly ApiKeyCheck _check;

    public LoginModel(ApiKeyCheck check) => _check = check;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Refused { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? key)
    {
        if (!_check.Matches(key))
        {
            // Slows guessing down; the key's comparison itself takes the same time whatever was typed.
            await Task.Delay(RefusalDelay, HttpContext.RequestAborted);
            Refused = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(ConsoleSetup.Scheme, ConsoleSetup.Operator(_check));
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(ConsoleSetup.BasePath, StringComparison.Ordinal) ? url : ConsoleSetup.BasePath);
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(ConsoleSetup.Scheme);
        return LocalRedirect(ConsoleSetup.BasePath + "/login");
    }
}
