// One simulated season played through kinesalite into a node while the live pages watch: the scoreboard and a
// recorder of the milestone stream are open before the first record is sent. The browser tests read what that
// season left on the pages; the oracle is the simulator's ground truth.
using Basketball.Kinesis;
using Basketball.Simulator;
using Spectre.Console.Testing;

namespace Basketball.Cluster.Tests.Live;

public sealed class LiveSeason(KinesaliteFixture kinesis) : IAsyncLifetime
{
    /// <summary>Set to a folder (relative to the repository) to have the browser tests save the pages as PNGs there:
    /// tools/screenshots.sh uses it for docs/images.</summary>
    public const string ScreenshotVariable = "BASKETBALL_SCREENSHOTS";

    public static readonly SimulationOptions Options = new(Games: 6, Seed: 31, PlaysPerGame: 100);

    private readonly TempDirectory _directory = new("basketball-live");

    public Season Season { get; } = SeasonGenerator.Generate(Options);

    public GroundTruth Truth => GroundTruth.Of(Season);

    public string Stream { get; } = KinesaliteFixture.UniqueStreamName("live");

    public InProcessNode Node { get; private set; } = null!;

    public HeadlessChromium Chromium { get; private set; } = null!;

    /// <summary>The scoreboard, opened at 1280 px before the season was sent and never reloaded.</summary>
    public WatchedPage Scoreboard { get; private set; } = null!;

    /// <summary>GET /api/milestones/stream, connected before the season was sent.</summary>
    public ServerSentEventsRecorder Milestones { get; private set; } = null!;

    public KinesaliteFixture Kinesis => kinesis;

    public Uri Url(string path) => new(Node.Http.BaseAddress!, path);

    public async Task InitializeAsync()
    {
        Chromium = await HeadlessChromium.LaunchAsync(); // first: without a browser there is nothing to test
        await kinesis.CreateStreamAsync(Stream, 4);
        Node = await InProcessNode.StartAsync($"sqlite:{_directory.File("b.db")}",
            "basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms }", kinesis.NodeEnvironment(Stream));
        Milestones = await ServerSentEventsRecorder.StartAsync(Node.Http.BaseAddress!, "/api/milestones/stream");

        Scoreboard = await Chromium.OpenAsync(Url("/"));
        await Microsoft.Playwright.Assertions.Expect(Scoreboard.Page.Locator("#connection")).ToHaveTextAsync("live");
        // A mark that a reload would wipe, and the moment each milestone first entered the ticker (by the page's clock,
        // which is this machine's).
        await Scoreboard.Page.EvaluateAsync("""
            () => {
              window.openedBeforeTheSeason = true;
              window.milestonesShownAt = {};
              const ticker = document.getElementById("ticker");
              const note = item => {
                const key = `${item.dataset.milestoneId}|${item.hasAttribute("data-revoked") ? "revoked" : ""}`;
                if (!(key in window.milestonesShownAt)) window.milestonesShownAt[key] = Date.now();
              };
              ticker.querySelectorAll("li").forEach(note);
              new MutationObserver(changes => changes.forEach(change =>
                change.addedNodes.forEach(node => { if (node.nodeType === Node.ELEMENT_NODE) note(node); })))
                .observe(ticker, { childList: true });
            }
            """);

        using var client = kinesis.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(Stream));
        var console = new TestConsole();
        // 400 records/s: the season takes a few seconds, so the pages see games change while they are played.
        var verification = await new SimulationRunner(producer, Node.Http, console).RunAsync(
            new RunOptions(Options, Rate: 400, Malformed: 2, Duplicates: 2, TimeSpan.FromSeconds(90)), CancellationToken.None);
        if (!verification.Passed)
            throw new InvalidOperationException($"the node did not reach the season's ground truth:\n{console.Output}");
    }

    /// <summary>Saves the page as {name}.png when <see cref="ScreenshotVariable"/> asks for it.</summary>
    public static async Task ScreenshotIfAskedAsync(WatchedPage page, string name, bool fullPage)
    {
        if (Environment.GetEnvironmentVariable(ScreenshotVariable) is not { Length: > 0 } folder)
            return;
        var path = Path.Combine(Path.GetFullPath(folder, KinesaliteFixture.FindRepositoryRoot()), name + ".png");
        await page.Page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = path, FullPage = fullPage });
    }

    public async Task DisposeAsync()
    {
        // The browser first: a page whose node went away first would only report the lost connection.
        if (Chromium is not null)
            await Chromium.DisposeAsync();
        if (Milestones is not null)
            await Milestones.DisposeAsync();
        if (Node is not null)
            await Node.DisposeAsync();
        _directory.Dispose();
    }
}
