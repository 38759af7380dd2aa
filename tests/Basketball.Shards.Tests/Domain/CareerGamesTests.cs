using Basketball.Domain.Players;

namespace Basketball.Shards.Tests.Domain;

public class CareerGamesTests
{
    [Fact]
    public void Every_list_operation_answers_what_a_plain_list_does_whichever_part_holds_the_game()
    {
        // The model: a List of the same games. Adds, replacements of recent and of long-settled games, a restore (all
        // settled) now and then; after each step every read is compared.
        var random = new Random(3);
        var model = new List<PlayerGame>();
        var games = CareerGames.Empty;
        for (var step = 0; step < 3_000; step++)
        {
            var points = random.Next(0, 60);
            if (model.Count == 0 || random.Next(4) == 0)
            {
                var game = new PlayerGame($"g-{model.Count}", 1, points, 0, points / 2, 0);
                model.Add(game);
                games = games.Add(game);
            }
            else
            {
                var index = random.Next(3) == 0 ? random.Next(model.Count) : model.Count - 1 - random.Next(Math.Min(model.Count, 3));
                var game = model[index] with { UpdateSeq = model[index].UpdateSeq + 1, Points = points };
                model[index] = game;
                games = games.SetItem(index, game);
            }
            if (step % 500 == 499)
                games = CareerGames.Of(games.ToArray());

            games.Count.Should().Be(model.Count);
            games.Points.Should().Be(model.Sum(g => g.Points));
            games.ToArray().Should().Equal(model);
            games.Should().Equal(model, "enumerated through the interface");
            games.SettledCount.Should().BeInRange(Math.Max(0, model.Count - CareerGames.RecentCapacity), model.Count);
            games.SettledBest.Should().Be(games.SettledCount == 0 ? int.MinValue : model.Take(games.SettledCount).Max(g => g.Points));
            var probe = random.Next(model.Count + 1);
            games.IndexOf($"g-{probe}").Should().Be(probe < model.Count ? probe : -1);
            var listed = new List<PlayerGame>();
            foreach (var game in games)
                listed.Add(game);
            listed.Should().Equal(model, "enumerated without boxing");
        }
    }

    [Fact]
    public void The_empty_career_has_no_games_no_points_and_no_best()
    {
        CareerGames.Empty.Should().BeEmpty();
        (CareerGames.Empty.Count, CareerGames.Empty.Points, CareerGames.Empty.SettledCount, CareerGames.Empty.SettledBest, CareerGames.Empty.IndexOf("g"))
            .Should().Be((0, 0, 0, int.MinValue, -1));
        CareerGames.Of([]).ToArray().Should().BeEmpty();
    }

    [Fact]
    public void A_line_of_a_recent_game_leaves_the_settled_games_shared_and_only_the_recent_ones_copied()
    {
        // What makes a line of a current game cost the same at every length of career: the settled games are one
        // array that the state after the line shares with the state before it.
        var games = CareerGames.Of(Enumerable.Range(0, 500).Select(i => new PlayerGame($"g-{i}", 1, i % 40, 0, 1, 0)))
            .Add(new PlayerGame("g-500", 1, 3, 0, 1, 0));
        var before = System.GC.GetAllocatedBytesForCurrentThread();
        for (var seq = 2; seq < 102; seq++)
            games = games.SetItem(500, new PlayerGame("g-500", seq, seq, 0, 1, 0));
        var perLine = (System.GC.GetAllocatedBytesForCurrentThread() - before) / 100.0;
        perLine.Should().BeLessThan(200, "a copy of the recent games (one game of 32 bytes here), not of 501");
        (games.Points, games[500].Points).Should().Be((Enumerable.Range(0, 500).Sum(i => i % 40) + 101, 101));
    }
}
