using Basketball.Domain.Players;

namespace Basketball.Shards.Tests.Domain;

public class CareerGamesTests
{
    [Fact]
    public void Every_list_operation_answers_what_a_plain_list_does_whichever_chunk_holds_the_game()
    {
        // The model: a List of the same games. Adds, replacements of the newest games and of old ones, a restore from
        // the games' array now and then; after each step every read is compared.
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
            var before = random.Next(model.Count + 1);
            games.BestBefore(before).Should().Be(before == 0 ? int.MinValue : model.Take(before).Max(g => g.Points), $"the best of the first {before}");
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
        (CareerGames.Empty.Count, CareerGames.Empty.Points, CareerGames.Empty.BestBefore(0), CareerGames.Empty.IndexOf("g"))
            .Should().Be((0, 0, int.MinValue, -1));
        CareerGames.Empty.Invoking(g => g[0]).Should().Throw<ArgumentOutOfRangeException>();
        CareerGames.Of([]).ToArray().Should().BeEmpty();
    }

    [Theory]
    [InlineData(1_500, 1_499)] // the current game
    [InlineData(1_500, 3)] // a late line of an early game: what a backlog read from many games at once brings
    public void A_line_copies_its_games_chunk_and_the_chunk_table_not_the_career(int career, int index)
    {
        var games = CareerGames.Of(Enumerable.Range(0, career).Select(i => new PlayerGame($"g-{i}", 1, i % 40, 0, 1, 0)));
        var before = System.GC.GetAllocatedBytesForCurrentThread();
        for (var seq = 2; seq < 102; seq++)
            games = games.SetItem(index, new PlayerGame($"g-{index}", seq, seq, 0, 1, 0));
        var perLine = (System.GC.GetAllocatedBytesForCurrentThread() - before) / 100.0;
        // A chunk of 16 games (536 bytes) and two tables of 94 entries (776 + 400 bytes), against 48 KB for a copy of 1,500 games.
        perLine.Should().BeLessThan(2_000);
        (games.Points, games[index].Points).Should().Be((Enumerable.Range(0, career).Sum(i => i % 40) - index % 40 + 101, 101));
    }
}
