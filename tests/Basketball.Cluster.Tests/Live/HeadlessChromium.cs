// Debian's chromium, headless, driven by Playwright for the live pages' tests. Playwright's own browser download is
// never used (it cannot run on the build machines): ./basketball.sh test installs the chromium package instead.
using Microsoft.Playwright;

namespace Basketball.Cluster.Tests.Live;

public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian's package puts its launcher; BASKETBALL_CHROMIUM names another binary.</summary>
    public const string DefaultExecutable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Starts the browser; fails (never skips) with what to install when chromium is missing.</summary>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        // Expect(...) waits up to 5 s by default: too little for a page on two cores busy with a node and a season.
        Assertions.SetDefaultExpectTimeout(15_000);
        var executable = Environment.GetEnvironmentVariable("BASKETBALL_CHROMIUM") is { Length: > 0 } chosen ? chosen : DefaultExecutable;
        if (!File.Exists(executable))
            throw new InvalidOperationException(
                $"The live pages' browser tests need a headless Chromium at {executable}, and there is none. Install Debian's package " +
                "(`apt-get install -y chromium`; ./basketball.sh test does so) or set BASKETBALL_CHROMIUM to a Chromium binary.");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Timeout = 60_000,
                // A container's /dev/shm is often 64 MiB, too small for the renderer's shared memory.
                Args = ["--disable-dev-shm-usage"],
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new browser context (its own cookies and cache) with one page at <paramref name="url"/>.</summary>
    /// <param name="viewport">Width × height in CSS pixels; a phone's (width ≤ 480) is opened as a touch device.</param>
    public async Task<WatchedPage> OpenAsync(Uri url, (int Width, int Height)? viewport = null)
    {
        var (width, height) = viewport ?? (1280, 900);
        var phone = width <= 480;
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
        });
        var page = await context.NewPageAsync();
        var watched = new WatchedPage(page);
        await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return watched;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}

/// <summary>A page and the script errors it raised: uncaught exceptions, console errors, and the failures that the
/// pages' own code catches and reports with console.warn ("live page: …", "ops page: …").</summary>
public sealed class WatchedPage : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public WatchedPage(IPage page)
    {
        Page = page;
        page.PageError += (_, error) => Add($"uncaught: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || (message.Type == "warning" && message.Text.Contains(" page: ", StringComparison.Ordinal)))
                Add($"console.{message.Type}: {message.Text} ({message.Location})");
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> ScriptErrors
    {
        get { lock (_errors) return _errors.ToList(); }
    }

    private void Add(string error)
    {
        lock (_errors) _errors.Add($"{Page.Url}: {error}");
    }

    /// <summary>Closes the page's context: its live connections and timers stop loading the node.</summary>
    public ValueTask DisposeAsync() => new(Page.Context.CloseAsync());
}
