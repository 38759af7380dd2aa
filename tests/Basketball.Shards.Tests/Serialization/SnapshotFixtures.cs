// The game and player behind the checked-in v1 snapshots (gs1, ps1), and what a loaded snapshot must answer.
using System.Text.Json;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Tests.Domain;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Serialization;

internal static class SnapshotFixtures
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 19, 30, 0, TimeSpan.Zero);

    /// <summary>Event ids of every shape the state stores: hex GUIDs, hyphenated GUIDs, upper case, free text.</summary>
    public static readonly string[] Ids =
    [
        "8f0c2a9d4b7e4f13a6d25c1e0b9f3a77", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "E-UPPER-1", "free text id",
        "0123456789ABCDEF0123456789abcdef", "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}", "a", "c0ffee00c0ffee00c0ffee00c0ffee00",
    ];

    private static string Id(int i) => i < Ids.Length ? Ids[i] : $"e-fixture-{i:D4}";

    public static (GameState Game, PlayerState Player) Build()
    {
        var game = new GameDriver("g-fix");
        var n = 0;
        EventEnvelope E(IEventData data) => Envelope("g-fix", data, Id(n), At.AddSeconds(n++));
        game.Applied(E(new GameScheduled("g-fix", "t-1", "t-2", At.AddDays(1), "Arena")), E(new GameStarted("g-fix", "t-1", "t-2")));
        var scores = new List<EventEnvelope>();
        for (var i = 0; i < 24; i++)
        {
            var team = i % 5 == 4 ? "t-2" : "t-1";
            var points = i % 3 + 1;
            var shot = points switch { 1 => ShotType.FreeThrow, 2 => ShotType.FieldGoal, _ => ShotType.ThreePointer };
            // Out of clock order now and then: the play-by-play is sorted by the game clock, not by arrival.
            var clock = 700 - i * 25 + (i % 4 == 3 ? 60 : 0);
            var score = E(new ScoreRecorded("g-fix", team, $"p-{i % 3}", points, shot, Math.Max(clock, 0), 1 + i / 12));
            scores.Add(score);
            game.Applied(score);
        }
        game.Applied(E(new ScoreCorrected("g-fix", scores[1].EventId, "wrong player")));
        game.Applied(E(new ScoreCorrected("g-fix", scores[5].EventId, "no basket")));
        game.Rejected(E(new ScoreRecorded("g-fix", "t-9", "p-9", 2, ShotType.FieldGoal, 100, 3)));
        game.Rejected(E(new ScoreCorrected("g-fix", scores[1].EventId, "again")));
        game.Applied(E(new GameCompleted("g-fix")));

        var player = PlayerState.Initial("p-0");
        void Player(Decision<IPlayerJournalEvent> decision) =>
            player = player.Apply(((Decision<IPlayerJournalEvent>.Persist)decision).Event);
        Player(player.Decide(Envelope("p-0", new PlayerRegistered("p-0", "Ann", "t-1", "G", "7"), "reg-p-0", At), BasketballSettings.Default));
        Player(player.Decide(Envelope("p-0", new PlayerTeamChanged("p-0", "t-9", "t-2"), "8f0c2a9d4b7e4f13a6d25c1e0b9f3a78", At),
            BasketballSettings.Default));
        var seq = 0;
        foreach (var (gameId, points) in new[] { ("g-a", 12), ("g-b", 30), ("g-a", 14), ("g-c", 990), ("g-d", 5) })
            Player(player.Decide(new PlayerGameLine(gameId, "p-0", "t-1", ++seq, points, 0, points / 2, 0, $"trig-{seq}", At.AddMinutes(seq)),
                BasketballSettings.Default));
        return (game.State, player);
    }

    /// <summary>Everything a snapshot must reproduce, as JSON: the projections and the decisions on a few further events.</summary>
    public static string Describe(GameState game)
    {
        var probes = Ids.Take(6).Select(id => Envelope("g-fix", new ScoreCorrected("g-fix", id, "probe"), "probe-" + id, At.AddHours(1)))
            .Concat(Ids.Take(6).Select(id => Envelope("g-fix", new GameCompleted("g-fix"), id, At.AddHours(1))))
            .Append(Envelope("g-fix", new ScoreCorrected("g-fix", "e-fixture-0010", "probe"), "probe-10", At.AddHours(1)))
            .Append(Envelope("g-fix", new ScoreRecorded("g-fix", "t-9", "p-9", 2, ShotType.FieldGoal, 100, 3), "e-fixture-0028", At));
        return JsonSerializer.Serialize(new
        {
            projection = game.ToProjection(30),
            plays = game.PlayByPlay(),
            lines = game.PlayerLines.Values.OrderBy(l => l.PlayerId, StringComparer.Ordinal),
            decisions = probes.Select(p => Decision(game.Decide(p, BasketballSettings.Default))),
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    public static string Describe(PlayerState player)
    {
        var probes = new[]
        {
            new PlayerGameLine("g-b", "p-0", "t-1", 2, 40, 0, 20, 0, "probe-1", At),
            new PlayerGameLine("g-b", "p-0", "t-1", 9, 40, 0, 20, 0, "probe-2", At),
            new PlayerGameLine("g-e", "p-0", "t-1", 10, 3000, 0, 1500, 0, "probe-3", At),
        };
        return JsonSerializer.Serialize(new
        {
            projection = player.ToProjection(8),
            decisions = probes.Select(p => Decision(player.Decide(p, BasketballSettings.Default)))
                .Concat(new[] { "reg-p-0", "8f0c2a9d4b7e4f13a6d25c1e0b9f3a78", "new" }.Select(id =>
                    Decision(player.Decide(Envelope("p-0", new PlayerRegistered("p-0", "Ann", "t-1", null, null), id, At), BasketballSettings.Default)))),
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    private static object Decision<T>(Decision<T> decision) => decision switch
    {
        Decision<T>.Persist persist => new { persist = (object)persist.Event!, persist.Outcome },
        Decision<T>.Answer answer => new { answer = answer.Outcome },
        _ => throw new InvalidOperationException(),
    };
}
