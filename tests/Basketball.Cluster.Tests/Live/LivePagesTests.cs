using System.Text.Json;
using System.Text.RegularExpressions;
using Basketball.Domain.Events;
using Basketball.Simulator;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Basketball.Cluster.Tests.Live;

/// <summary>
/// The live pages in a real headless Chromium against a node that played <see cref="LiveSeason"/>: what a person sees
/// on GET / and GET /ops, checked against the simulator's ground truth (never against the node's own API).
/// </summary>
[Collection(KinesaliteCollection.Name)]
public sealed partial class LivePagesTests(LiveSeason season, ITestOutputHelper output) : IClassFixture<LiveSeason>
{
    private static readonly TimeSpan PageDeadline = TimeSpan.FromSeconds(30);

    /// <summary>How long after a milestone is published the ticker may take to show it.</summary>
    private static readonly TimeSpan TickerBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task The_scoreboard_opened_before_the_season_comes_to_show_every_game_with_both_teams_and_the_final_score_without_a_reload()
    {
        var page = season.Scoreboard;
        await Eventually.Assert(async () => (await CardsAsync(page)).Should().BeEquivalentTo(ExpectedCards()), PageDeadline);

        (await page.Page.EvaluateAsync<bool>("() => window.openedBeforeTheSeason === true")).Should().BeTrue("the page was never reloaded");
        await Assertions.Expect(page.Page.Locator("#no-games")).ToBeHiddenAsync();
        await LiveSeason.ScreenshotIfAskedAsync(page, "scoreboard", fullPage: true);
        page.ScriptErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_milestone_enters_the_ticker_within_two_seconds_of_appearing_on_the_milestone_stream()
    {
        var games = season.Truth.Games.Keys.ToHashSet();
        await Eventually.Until(() => season.Milestones.Events.Count(e => e.Data.GetProperty("rule").GetString() == "GameFinal") == games.Count,
            PageDeadline, "every game's GameFinal milestone is on the milestone stream");
        var published = season.Milestones.Events
            .GroupBy(e => $"{e.Data.GetProperty("milestoneId").GetString()}|{(e.Data.GetProperty("revoked").GetBoolean() ? "revoked" : "")}")
            .ToDictionary(g => g.Key, g => g.Min(e => e.At));
        published.Count.Should().BeGreaterThan(games.Count, "the season earns more milestones than its finals");

        // Wait as long as the bound allows for the last one, then compare each milestone's two moments.
        Dictionary<string, long> shown = [];
        var deadline = published.Values.Max() + TickerBound + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        try
        {
            await Eventually.Until(async () => published.Keys.All((shown = await ShownAtAsync()).ContainsKey),
                deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero, "every published milestone is in the ticker");
        }
        catch (TimeoutException)
        {
            // reported below, milestone by milestone
        }
        var latencies = published.ToDictionary(p => p.Key,
            p => shown.TryGetValue(p.Key, out var at) ? DateTimeOffset.FromUnixTimeMilliseconds(at) - p.Value : (TimeSpan?)null);
        var worst = latencies.Where(l => l.Value is not null).MaxBy(l => l.Value);
        output.WriteLine($"{published.Count} milestones; the slowest entered the ticker {worst.Value?.TotalMilliseconds:F0} ms after the stream had it ({worst.Key})");
        latencies.Where(l => l.Value is null || l.Value > TickerBound).Select(l => $"{l.Key}: {(l.Value is { } late ? $"{late.TotalMilliseconds:F0} ms" : "never shown")}")
            .Should().BeEmpty($"every milestone is in the ticker within {TickerBound.TotalSeconds:F0} s of its publication");

        // In words, each item names who (the player or team; a career high's player is its aggregate, its subject the
        // game) and the game a game's milestone belongs to.
        var milestones = season.Milestones.Events.Select(e => e.Data).GroupBy(m => m.GetProperty("milestoneId").GetString()!)
            .ToDictionary(g => g.Key, g => g.First());
        var items = JsonSerializer.Deserialize<string[][]>(await season.Scoreboard.Page.EvaluateAsync<string>(
            "() => JSON.stringify([...document.querySelectorAll('#ticker li')].map(item => [item.dataset.milestoneId, item.innerText]))"))!;
        items.Should().HaveCountGreaterThan(10);
        foreach (var item in items)
        {
            var milestone = milestones[item[0]];
            var rule = milestone.GetProperty("rule").GetString();
            item[1].Should().Contain(milestone.GetProperty(rule == "CareerHigh" ? "aggregateId" : "subject").GetString(), item[0]);
            if (milestone.TryGetProperty("gameId", out var gameId) && gameId.ValueKind == JsonValueKind.String)
                item[1].Should().Contain(gameId.GetString(), item[0]);
        }
        items.Should().Contain(item => item[1].Contains(" is final"));
        season.Scoreboard.ScriptErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task Clicking_a_game_opens_its_box_score_and_its_play_by_play_ending_in_the_final_score()
    {
        var game = season.Truth.Games.Values.MaxBy(g => g.GameId)!;
        await using var page = await season.Chromium.OpenAsync(season.Url("/"));
        await page.Page.Locator($".game[data-game-id='{game.GameId}']").ClickAsync();

        await Assertions.Expect(page.Page.Locator("#detail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.Locator("#detail-id")).ToHaveTextAsync(game.GameId);
        page.Page.Url.Should().EndWith($"#game={game.GameId}");
        await Assertions.Expect(page.Page.Locator("#detail-summary"))
            .ToContainTextAsync($"{game.HomeTeamId} {game.HomePoints} – {game.AwayPoints} {game.AwayTeamId} · Completed");

        var box = await TableAsync(page, "#box-score");
        box.Where(row => row[2] != "0").ToDictionary(row => row[0], row => int.Parse(row[2]))
            .Should().BeEquivalentTo(game.PlayerPoints, "the box score has every player's points");
        var plays = await TableAsync(page, "#plays");
        plays.Should().HaveCount(AppliedPlays(game.GameId), "one row per scoring play that was not corrected away");
        plays[^1][5].Should().Be($"{game.HomePoints}-{game.AwayPoints}", "the last play of the game clock leaves the final score");
        page.ScriptErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task The_ops_page_lists_every_Kinesis_shard_of_the_stream_with_its_owner_and_lag()
    {
        using var client = season.Kinesis.CreateClient();
        var shards = (await client.ListShardsAsync(season.Stream)).Select(s => s.ShardId).ToList();
        shards.Should().HaveCount(4);
        var node = Akka.Cluster.Cluster.Get(season.Node.System).SelfAddress.ToString();
        await using var page = await season.Chromium.OpenAsync(season.Url("/ops"));

        await Eventually.Assert(async () =>
        {
            var rows = await TableAsync(page, "#shards");
            rows.Select(row => row[0]).Should().BeEquivalentTo(shards);
            rows.Should().OnlyContain(row => row[1] == node, "this node reads every shard");
            rows.Should().OnlyContain(row => Lag().IsMatch(row[3]), "each shard shows its millisBehindLatest");
            (await TableAsync(page, "#members")).Should().ContainSingle(row => row[0] == node && row[1] == "up");
            (await TableAsync(page, "#dead-letter-reasons")).Select(row => row[0]).Should().Contain(["malformed_json", "missing_field"]);
        }, PageDeadline);
        await Assertions.Expect(page.Page.Locator("#stream")).ToHaveTextAsync($"of {season.Stream}");
        await LiveSeason.ScreenshotIfAskedAsync(page, "ops", fullPage: true);
        page.ScriptErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task At_a_phone_width_of_390_px_the_scoreboard_a_box_score_and_the_ops_page_fit_the_screen()
    {
        const int width = 390;
        await using var page = await season.Chromium.OpenAsync(season.Url("/"), (width, 844));
        await Eventually.Assert(async () => (await CardsAsync(page)).Should().BeEquivalentTo(ExpectedCards()), PageDeadline);

        var layout = JsonDocument.Parse(await page.Page.EvaluateAsync<string>("""
            () => JSON.stringify({
              scrollWidth: document.documentElement.scrollWidth,
              columns: new Set([...document.querySelectorAll("#games .game")].map(card => Math.round(card.getBoundingClientRect().left))).size,
              widest: Math.max(...[...document.querySelectorAll("#games .game, main > section, .columns > section")].map(e => e.getBoundingClientRect().right)),
            })
            """)).RootElement;
        layout.GetProperty("scrollWidth").GetInt32().Should().BeLessThanOrEqualTo(width, "nothing makes the page scroll sideways");
        layout.GetProperty("columns").GetInt32().Should().Be(1, "the game cards stack in one column");
        layout.GetProperty("widest").GetDouble().Should().BeLessThanOrEqualTo(width);

        await page.Page.Locator(".game").First.TapAsync();
        await Assertions.Expect(page.Page.Locator("#box-score tbody tr").First).ToBeVisibleAsync();
        (await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should()
            .BeLessThanOrEqualTo(width, "the box score and play-by-play scroll inside their own boxes");
        await page.Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await LiveSeason.ScreenshotIfAskedAsync(page, "scoreboard-phone", fullPage: false);

        await using var ops = await season.Chromium.OpenAsync(season.Url("/ops"), (width, 844));
        await Assertions.Expect(ops.Page.Locator("#shards .shard-id")).ToHaveCountAsync(4);
        (await ops.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should()
            .BeLessThanOrEqualTo(width, "the ops page's wide tables scroll inside their own boxes");
        page.ScriptErrors.Concat(ops.ScriptErrors).Should().BeEmpty();
    }

    private IEnumerable<GameCard> ExpectedCards() => season.Truth.Games.Values.Select(g =>
        new GameCard(g.GameId, "Completed", g.HomeTeamId, g.HomePoints.ToString(), g.AwayTeamId, g.AwayPoints.ToString()));

    /// <summary>Every game card as the page renders it (innerText: what a person reads).</summary>
    private static async Task<List<GameCard>> CardsAsync(WatchedPage page)
    {
        var json = await page.Page.EvaluateAsync<string>("""
            () => JSON.stringify([...document.querySelectorAll("#games .game")].map(card => [
              card.querySelector(".game-id").innerText, card.querySelector(".status").innerText,
              card.querySelector(".team-row.home .team").innerText, card.querySelector(".team-row.home .score").innerText,
              card.querySelector(".team-row.away .team").innerText, card.querySelector(".team-row.away .score").innerText]))
            """);
        return JsonSerializer.Deserialize<string[][]>(json)!.Select(c => new GameCard(c[0], c[1], c[2], c[3], c[4], c[5])).ToList();
    }

    /// <summary>A table's body rows as the cells' text.</summary>
    private static async Task<List<string[]>> TableAsync(WatchedPage page, string selector)
    {
        var json = await page.Page.EvaluateAsync<string>(
            "selector => JSON.stringify([...document.querySelectorAll(`${selector} tbody tr`)].filter(row => !row.querySelector('td[colspan]'))" +
            ".map(row => [...row.cells].map(cell => cell.innerText)))", selector);
        return JsonSerializer.Deserialize<List<string[]>>(json)!;
    }

    /// <summary>When each milestone entered the scoreboard's ticker, by key (milestoneId|revoked), in Unix ms.</summary>
    private async Task<Dictionary<string, long>> ShownAtAsync() =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(
            await season.Scoreboard.Page.EvaluateAsync<string>("() => JSON.stringify(window.milestonesShownAt)"))!;

    private int AppliedPlays(string gameId)
    {
        var events = season.Season.Games.Single(g => g.GameId == gameId).Events;
        return events.Count(e => e.Data is ScoreRecorded) - events.Count(e => e.Data is ScoreCorrected);
    }

    private sealed record GameCard(string GameId, string Status, string HomeTeamId, string HomeScore, string AwayTeamId, string AwayScore);

    [GeneratedRegex(@"^\d+ ms$")]
    private static partial Regex Lag();
}
