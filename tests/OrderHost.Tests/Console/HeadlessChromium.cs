using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Console;

/// <summary>
/// Debian's chromium, driven headless through its chromium-driver (both installed through scripts/apt-install.sh
/// when missing). Selenium is given both paths, so its manager never looks for, or downloads, a browser.
/// One per fixture: starting a browser costs seconds.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(30);
    private readonly string _screenshots;
    private int _shots;

    private HeadlessChromium(ChromeDriver driver, string screenshots)
    {
        Driver = driver;
        _screenshots = screenshots;
    }

    public ChromeDriver Driver { get; }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var browser = await DebianPackage.EnsureToolAsync("chromium", "chromium");
        var driverPath = await DebianPackage.EnsureToolAsync("chromedriver", "chromium-driver");

        // Belt and braces: should Selenium Manager run after all, it must not go online.
        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--no-first-run", "--disable-extensions");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, PageTimeout);
        var screenshots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "console-screenshots");
        Directory.CreateDirectory(screenshots);
        return new HeadlessChromium(driver, screenshots);
    }

    public void GoTo(Uri url) => Driver.Navigate().GoToUrl(url);

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyList<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>Waits (polling, with a deadline) until <paramref name="condition"/> holds, reloading the page between tries when asked.</summary>
    public T WaitFor<T>(Func<IWebDriver, T> condition, string description, TimeSpan timeout, bool reload = false)
    {
        var wait = new WebDriverWait(Driver, timeout) { PollingInterval = TimeSpan.FromMilliseconds(250), Message = description };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(d =>
        {
            var value = condition(d);
            if (reload && (value is null || value is false))
            {
                d.Navigate().Refresh();
            }

            return value;
        });
    }

    /// <summary>Clicks a button that asks for confirmation and accepts it.</summary>
    public void ClickAndConfirm(IWebElement button)
    {
        button.Click();
        var alert = new WebDriverWait(Driver, PageTimeout).Until(d => { try { return d.SwitchTo().Alert(); } catch (NoAlertPresentException) { return null; } });
        alert!.Accept();
    }

    /// <summary>A full-page PNG of what the browser shows, attached to the running test's results.</summary>
    public string Screenshot(string name)
    {
        var path = Path.Combine(_screenshots, $"{++_shots:00}-{name}.png");
        Driver.GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
