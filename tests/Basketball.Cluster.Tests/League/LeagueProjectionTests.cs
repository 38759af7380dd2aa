using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Basketball.ReadSide.Hosting;
using Basketball.Shards.Entities;
using Basketball.Simulator;

namespace Basketball.Cluster.Tests.League;

public class LeagueProjectionTests
{
    [Fact]
    public async Task Standings_and_leaders_built_from_the_journal_equal_the_ground_truth_of_a_50_game_season_and_again_after_a_rebuild()
    {
        using var directory = new TempDirectory();
        await using var node = await InProcessNode.StartAsync($"sqlite:{directory.File("b.db")}");
        var season = SeasonGenerator.Generate(new SimulationOptions(Games: 50, Seed: 21, PlaysPerGame: 40, CorrectionRate: 0.05));
        var truth = GroundTruth.Of(season);
        var timeout = TimeSpan.FromSeconds(30);

        foreach (var registration in season.Registrations)
            await node.Players.Ask<EventsProcessed>(new ProcessEvents(registration.AggregateId, [registration]), timeout);
        await Task.WhenAll(season.Games.Select(game => node.Games.Ask<EventsProcessed>(new ProcessEvents(game.GameId, game.Events.ToList()), timeout)));

        await Eventually.Assert(async () =>
        {
            var standings = await node.Http.GetFromJsonAsync<JsonElement>("/api/standings");
            var actual = standings.EnumerateArray().ToDictionary(s => s.GetProperty("teamId").GetString()!,
                s => (s.GetProperty("wins").GetInt32(), s.GetProperty("losses").GetInt32(), s.GetProperty("pointsFor").GetInt32(),
                    s.GetProperty("pointsAgainst").GetInt32()));
            actual.Should().BeEquivalentTo(truth.Standings.ToDictionary(s => s.TeamId, s => (s.Wins, s.Losses, s.PointsFor, s.PointsAgainst)));
        }, TimeSpan.FromSeconds(60));

        await AssertLeadersAsync(node, truth);
        var incremental = await ReadSideAsync(node);

        // Drop and rebuild while the node runs: the rebuilt tables equal the incrementally built ones.
        var projector = await Akka.Hosting.ActorRegistry.For(node.System).GetAsync<Basketball.ReadSide.Hosting.LeagueProjectorKey>();
        await projector.Ask<Basketball.ReadSide.League.LeagueProjectionsRebuilding>(Basketball.ReadSide.League.RebuildLeagueProjections.Instance, timeout);
        await Eventually.Assert(async () => (await ReadSideAsync(node)).Should().Be(incremental, "the rebuild reproduces every row"),
            TimeSpan.FromSeconds(60));
    }

    private static async Task<string> ReadSideAsync(InProcessNode node) =>
        await node.Http.GetStringAsync("/api/standings") + await node.Http.GetStringAsync("/api/leaders?limit=1000");

    /// <summary>
    /// Every scorer's line, not only the top 10: player lines reach the projection after the games, so the read
    /// side is only settled (and worth comparing with its rebuild) once the last of them is in. A player whose only
    /// plays were corrected away keeps a 0-point row; the truth has no such players.
    /// </summary>
    private static async Task AssertLeadersAsync(InProcessNode node, GroundTruth truth)
    {
        truth.Players.Count.Should().BeLessThan(1000, "one page of /api/leaders holds every scorer");
        var expectedLeaders = truth.Players.Values.OrderByDescending(p => p.Points).ThenBy(p => p.PlayerId, StringComparer.Ordinal).ToList();
        await Eventually.Assert(async () =>
        {
            var leaders = (await node.Http.GetFromJsonAsync<JsonElement>("/api/leaders?limit=1000")).EnumerateArray().ToList();
            leaders.Select(l => (l.GetProperty("playerId").GetString()!, l.GetProperty("points").GetInt32(), l.GetProperty("gamesPlayed").GetInt32()))
                .Where(l => l.Item2 > 0)
                .Should().Equal(expectedLeaders.Select(p => (p.PlayerId, p.Points, p.GamesPlayed)));
            leaders.Should().OnlyContain(l => l.GetProperty("teamId").GetString()!.StartsWith("t-"));
        }, TimeSpan.FromSeconds(60));
    }
}
