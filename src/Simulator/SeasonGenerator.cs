// Seeded, realistic games: registrations, ~200 made shots a game with a real shot mix, halftime, overtime
// on a tie, a few corrections, completion. Same seed, same bytes.
using Basketball.Domain.Events;

namespace Basketball.Simulator;

public sealed record SimulationOptions(int Games = 8, int Seed = 42, int PlaysPerGame = 200, double CorrectionRate = 0.01, int Teams = 8,
    int PlayersPerTeam = 10);

public sealed record SimGame(string GameId, string HomeTeamId, string AwayTeamId, IReadOnlyList<EventEnvelope> Events);

public sealed record Season(IReadOnlyList<EventEnvelope> Registrations, IReadOnlyList<SimGame> Games);

public static class SeasonGenerator
{
    private static readonly DateTimeOffset SeasonStart = new(2026, 10, 20, 19, 0, 0, TimeSpan.Zero);

    public static Season Generate(SimulationOptions options)
    {
        var random = new Random(options.Seed);
        var ids = new IdSource(options.Seed);
        var teams = Enumerable.Range(1, Math.Max(2, options.Teams)).Select(t => $"t-{t:D2}").ToArray();
        var rosters = teams.ToDictionary(t => t, t => Enumerable.Range(1, options.PlayersPerTeam).Select(p => $"p-{t[2..]}-{p:D2}").ToArray());
        var clock = SeasonStart;
        DateTimeOffset Next() => clock = clock.AddSeconds(random.Next(1, 20));

        var registrations = rosters.SelectMany(r => r.Value.Select(p => Envelope(ids, p,
            new PlayerRegistered(p, $"Player {p}", r.Key, random.Next(5) switch { 0 => "PG", 1 => "SG", 2 => "SF", 3 => "PF", _ => "C" },
                random.Next(0, 100).ToString(System.Globalization.CultureInfo.InvariantCulture)), Next()))).ToList();

        var games = new List<SimGame>();
        for (var g = 1; g <= options.Games; g++)
        {
            var home = teams[random.Next(teams.Length)];
            var away = teams.Where(t => t != home).ElementAt(random.Next(teams.Length - 1));
            games.Add(GenerateGame($"g-{options.Seed}-{g:D4}", home, away, rosters, options, random, ids, Next));
        }
        return new Season(registrations, games);
    }

    private static SimGame GenerateGame(string gameId, string home, string away, IReadOnlyDictionary<string, string[]> rosters,
        SimulationOptions options, Random random, IdSource ids, Func<DateTimeOffset> next)
    {
        var events = new List<EventEnvelope>
        {
            Envelope(ids, gameId, new GameScheduled(gameId, home, away, SeasonStart.AddDays(1), "Arena " + home), next()),
            Envelope(ids, gameId, new GameStarted(gameId, home, away), next()),
        };
        var applied = new List<EventEnvelope>();
        var corrected = new HashSet<string>();
        var score = new Dictionary<string, int> { [home] = 0, [away] = 0 };
        var perPeriod = Math.Max(1, options.PlaysPerGame / 4);
        for (var period = 1; ; period++)
        {
            var length = period <= 4 ? 720 : 300;
            var plays = period <= 4 ? perPeriod : Math.Max(4, perPeriod / 3);
            var clock = length;
            for (var k = 0; k < plays; k++)
            {
                clock = Math.Max(0, clock - random.Next(1, 2 * length / plays + 1));
                var team = random.Next(2) == 0 ? home : away;
                var roll = random.NextDouble();
                var (points, shot) = roll < 0.2 ? (1, ShotType.FreeThrow) : roll < 0.7 ? (2, ShotType.FieldGoal) : (3, ShotType.ThreePointer);
                // Star players score more: the first three of a roster take a good share of the shots.
                var roster = rosters[team];
                var player = roster[random.NextDouble() < 0.4 ? random.Next(3) : random.Next(roster.Length)];
                var evt = Envelope(ids, gameId, new ScoreRecorded(gameId, team, player, points, shot, clock, period), next());
                events.Add(evt);
                applied.Add(evt);
                score[team] += points;

                if (random.NextDouble() < options.CorrectionRate && applied.Count > 1)
                {
                    var target = applied[random.Next(applied.Count - 1)];
                    if (corrected.Add(target.EventId))
                    {
                        events.Add(Envelope(ids, gameId, new ScoreCorrected(gameId, target.EventId, "scorer's table correction"), next()));
                        var data = (ScoreRecorded)target.Data;
                        score[data.TeamId] -= data.Points;
                    }
                }
            }
            if (period == 2)
            {
                events.Add(Envelope(ids, gameId, new GameStatusChanged(gameId, GameStatus.InProgress, GameStatus.Halftime, "official", null), next()));
                events.Add(Envelope(ids, gameId, new GameStatusChanged(gameId, GameStatus.Halftime, GameStatus.InProgress, "official", null), next()));
            }
            if (period == 4 && score[home] != score[away] && random.NextDouble() < 0.1)
            {
                // About one game in ten: a late comeback ties it at the end of regulation, and it goes to overtime.
                var trailing = score[home] < score[away] ? home : away;
                while (score[home] != score[away])
                {
                    var gap = Math.Min(3, Math.Abs(score[home] - score[away]));
                    var tying = Envelope(ids, gameId, new ScoreRecorded(gameId, trailing, rosters[trailing][random.Next(3)], gap,
                        gap switch { 1 => ShotType.FreeThrow, 2 => ShotType.FieldGoal, _ => ShotType.ThreePointer }, 0, 4), next());
                    events.Add(tying);
                    applied.Add(tying);
                    score[trailing] += gap;
                }
            }
            if (period >= 4 && score[home] != score[away])
                break;
            if (period >= 8)
            {
                // Settle an endless tie with one last free throw.
                var evt = Envelope(ids, gameId, new ScoreRecorded(gameId, home, rosters[home][0], 1, ShotType.FreeThrow, 0, period), next());
                events.Add(evt);
                score[home] += 1;
                break;
            }
        }
        events.Add(Envelope(ids, gameId, new GameCompleted(gameId), next()));
        return new SimGame(gameId, home, away, events);
    }

    private static EventEnvelope Envelope(IdSource ids, string aggregateId, IEventData data, DateTimeOffset at) => new(
        ids.Next(), aggregateId, data is IPlayerEventData ? AggregateType.Player : AggregateType.Game, data.GetType().Name, "1", at,
        new EventMetadata(ids.Next(), "simulator"), data);

    /// <summary>Deterministic, unique-looking ids from the seed.</summary>
    private sealed class IdSource(int seed)
    {
        private readonly Random _random = new(seed ^ 0x5bd1e995);

        public string Next()
        {
            Span<byte> bytes = stackalloc byte[16];
            _random.NextBytes(bytes);
            return new Guid(bytes).ToString("N");
        }
    }
}
