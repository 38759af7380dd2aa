// Events whose order per aggregate is observable: a game's scores come between GameStarted and GameCompleted
// (a score after completion is rejected), a player's team changes form a chain (t1→t2→…; a swap is rejected).
// So "no dead letters and every game completed" proves per-aggregate order survived.
using Basketball.Domain.Events;

namespace Basketball.Ingress.Tests.Pipeline;

public sealed class OrderedScript
{
    private OrderedScript(List<EventEnvelope> events, Dictionary<string, (int Home, int Away, int Events)> games,
        Dictionary<string, (int Points, string Team)> players)
    {
        Events = events;
        Games = games;
        Players = players;
    }

    /// <summary>Send order: aggregates interleaved round-robin, each aggregate's own order kept.</summary>
    public IReadOnlyList<EventEnvelope> Events { get; }

    public IReadOnlyDictionary<string, (int Home, int Away, int Events)> Games { get; }

    public IReadOnlyDictionary<string, (int Points, string Team)> Players { get; }

    public static OrderedScript Create(string prefix, int games, int scoresPerGame, int players, int teamChanges, int seed)
    {
        var random = new Random(seed);
        var streams = new List<List<EventEnvelope>>();
        var expectedGames = new Dictionary<string, (int, int, int)>();
        var points = new Dictionary<string, int>();
        var playerIds = Enumerable.Range(1, players).Select(i => $"{prefix}-p{i}").ToArray();

        for (var g = 1; g <= games; g++)
        {
            var gameId = $"{prefix}-g{g}";
            var stream = new List<EventEnvelope> { Scheduled(gameId), Started(gameId) };
            int home = 0, away = 0;
            for (var s = 0; s < scoresPerGame; s++)
            {
                var period = 1 + s * 4 / scoresPerGame;
                var clock = 719 - (s * 4 % scoresPerGame) * 700 / scoresPerGame;
                var homeScores = random.Next(2) == 0;
                var player = playerIds[random.Next(playerIds.Length)];
                var value = random.Next(1, 4);
                stream.Add(Score(gameId, homeScores ? "t-1" : "t-2", player, value, period, Math.Max(clock, 0)));
                if (homeScores) home += value; else away += value;
                points[player] = points.GetValueOrDefault(player) + value;
            }
            stream.Add(Completed(gameId));
            expectedGames[gameId] = (home, away, stream.Count);
            streams.Add(stream);
        }

        var expectedPlayers = new Dictionary<string, (int, string)>();
        foreach (var player in playerIds)
        {
            var stream = new List<EventEnvelope> { Envelope(player, new PlayerRegistered(player, "Player " + player, "team-0", null, null)) };
            for (var c = 1; c <= teamChanges; c++)
                stream.Add(Envelope(player, new PlayerTeamChanged(player, $"team-{c - 1}", $"team-{c}")));
            expectedPlayers[player] = (points.GetValueOrDefault(player), $"team-{teamChanges}");
            streams.Add(stream);
        }

        var events = new List<EventEnvelope>();
        for (var round = 0; streams.Any(s => round < s.Count); round++)
        {
            foreach (var stream in streams.Where(s => round < s.Count))
                events.Add(stream[round]);
        }
        return new OrderedScript(events, expectedGames, expectedPlayers);
    }

    private static int _ids;
    private static readonly DateTimeOffset Start = new(2026, 2, 1, 18, 0, 0, TimeSpan.Zero);

    private static EventEnvelope Envelope(string aggregateId, IEventData data)
    {
        var n = Interlocked.Increment(ref _ids);
        return new EventEnvelope($"ev-{Guid.NewGuid():N}", aggregateId, data is IPlayerEventData ? AggregateType.Player : AggregateType.Game,
            data.GetType().Name, "1", Start.AddSeconds(n), new EventMetadata($"c-{n}", "pipeline-tests"), data);
    }

    private static EventEnvelope Scheduled(string gameId) => Envelope(gameId, new GameScheduled(gameId, "t-1", "t-2", Start.AddDays(1), null));

    private static EventEnvelope Started(string gameId) => Envelope(gameId, new GameStarted(gameId, "t-1", "t-2"));

    private static EventEnvelope Completed(string gameId) => Envelope(gameId, new GameCompleted(gameId));

    private static EventEnvelope Score(string gameId, string team, string player, int points, int period, int clock) =>
        Envelope(gameId, new ScoreRecorded(gameId, team, player, points,
            points switch { 1 => ShotType.FreeThrow, 2 => ShotType.FieldGoal, _ => ShotType.ThreePointer }, clock, period));
}
