using System.Text.Json;
using Basketball.Domain;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;
using Basketball.Shards.Serialization;
using Basketball.Shards.Tests.Domain;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Serialization;

public class SnapshotSerializationTests() : Akka.TestKit.Xunit2.TestKit(BasketballSerialization.Config)
{
    [Fact]
    public void A_game_snapshot_round_trips_and_decides_the_next_events_exactly_as_the_original()
    {
        var game = new GameDriver("g-snap");
        var first = Score("g-snap", "t-1", "p-1", 3, clockSeconds: 700);
        game.Applied(Scheduled("g-snap"), Started("g-snap"), first);
        game.Applied(Enumerable.Range(0, 4).Select(i => Score("g-snap", "t-1", "p-1", 2, clockSeconds: 650 - i * 30)).ToArray());
        game.Applied(Correction("g-snap", first.EventId));
        game.Send(Score("g-snap", "t-9", "p-9", 2)); // a remembered rejection

        var copy = RoundTrip(game.State);

        var next = new[] { Score("g-snap", "t-2", "p-2", 3, clockSeconds: 400), first, Correction("g-snap", first.EventId), Completed("g-snap") };
        var original = game.State;
        foreach (var evt in next)
        {
            var a = original.Decide(evt, BasketballSettings.Default);
            var b = copy.Decide(evt, BasketballSettings.Default);
            Json(b).Should().Be(Json(a), $"{evt.EventType} is decided the same after a snapshot");
            if (a is Decision<IGameJournalEvent>.Persist persist)
            {
                original = original.Apply(persist.Event);
                copy = copy.Apply(((Decision<IGameJournalEvent>.Persist)b).Event);
            }
        }
        Json(copy.ToProjection(9)).Should().Be(Json(original.ToProjection(9)));
        Json(copy.PlayByPlay()).Should().Be(Json(original.PlayByPlay()));
    }

    [Fact]
    public void A_player_snapshot_round_trips()
    {
        var player = PlayerState.Initial("p-snap");
        player = player.Apply(((Decision<IPlayerJournalEvent>.Persist)player.Decide(Registered("p-snap", "t-1"), BasketballSettings.Default)).Event);
        var line = new PlayerGameLine("g-1", "p-snap", "t-1", 4, 1_002, 2, 500, 0, "e-1", DateTimeOffset.UnixEpoch);
        player = player.Apply(((Decision<IPlayerJournalEvent>.Persist)player.Decide(line, BasketballSettings.Default)).Event);

        var copy = RoundTrip(player);

        Json(copy.ToProjection(2)).Should().Be(Json(player.ToProjection(2)));
        Json(copy.Milestones).Should().Be(Json(player.Milestones));
        copy.Decide(line, BasketballSettings.Default).Should().BeOfType<Decision<IPlayerJournalEvent>.Answer>("the line is remembered");
    }

    private static string PayloadDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "serialization-v1");

    [Fact]
    public void A_game_snapshot_is_written_as_gs2()
    {
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerFor(SnapshotFixtures.Build().Game);
        serializer.Manifest(SnapshotFixtures.Build().Game).Should().Be("gs2");
        BasketballSerializer.Manifests[typeof(GameState)].Should().Be("gs2");
    }

    [Fact]
    public void A_gs1_snapshot_written_by_an_earlier_build_restores_the_same_game()
    {
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(GameState));
        var restored = (GameState)serializer.FromBinary(File.ReadAllBytes(Path.Combine(PayloadDirectory, "GameState.gs1.json")), "gs1");

        SnapshotFixtures.Describe(restored).Should().Be(File.ReadAllText(Path.Combine(PayloadDirectory, "GameState.gs1.expected.json")),
            "projection, plays, lines and the answers to further events (duplicates, corrections) are those of the game that wrote it");
    }

    [Fact]
    public void The_fixture_game_today_and_after_a_gs2_round_trip_answers_as_the_build_that_wrote_gs1()
    {
        var expected = File.ReadAllText(Path.Combine(PayloadDirectory, "GameState.gs1.expected.json"));
        var game = SnapshotFixtures.Build().Game;

        SnapshotFixtures.Describe(game).Should().Be(expected, "rejection messages and reason codes are unchanged");
        SnapshotFixtures.Describe(RoundTrip(game)).Should().Be(expected);
    }

    [Fact]
    public void A_player_snapshot_is_written_as_ps2()
    {
        var player = SnapshotFixtures.Build().Player;
        ((BasketballSerializer)Sys.Serialization.FindSerializerFor(player)).Manifest(player).Should().Be("ps2");
        BasketballSerializer.Manifests[typeof(PlayerState)].Should().Be("ps2");
    }

    [Fact]
    public void A_ps2_snapshot_written_by_the_build_that_introduced_it_restores_the_same_player()
    {
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(PlayerState));
        var payload = Path.Combine(AppContext.BaseDirectory, "TestData", "serialization-v2", "PlayerState.ps2.json");
        var restored = (PlayerState)serializer.FromBinary(File.ReadAllBytes(payload), "ps2");

        // The fixture player behind ps1 and ps2 is the same: so is what it must answer.
        SnapshotFixtures.Describe(restored).Should().Be(File.ReadAllText(Path.Combine(PayloadDirectory, "PlayerState.ps1.expected.json")));
        serializer.ToBinary(SnapshotFixtures.Build().Player).Should().Equal(File.ReadAllBytes(payload), "ps2 is written as it was checked in");
    }

    [Fact]
    public void A_ps1_snapshot_and_its_ps2_copy_hold_the_same_games_in_the_same_order_and_the_same_ledger()
    {
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(PlayerState));
        var fromPs1 = (PlayerState)serializer.FromBinary(File.ReadAllBytes(Path.Combine(PayloadDirectory, "PlayerState.ps1.json")), "ps1");
        var built = SnapshotFixtures.Build().Player;

        Json(fromPs1.Games).Should().Be(Json(built.Games));
        Json(fromPs1.Milestones).Should().Be(Json(built.Milestones));
        fromPs1.Games.Select(g => g.GameId).Should().Equal("g-a", "g-b", "g-c", "g-d");
        Json(RoundTrip(fromPs1)).Should().Be(Json(fromPs1));
    }

    [Fact]
    public void The_ledger_inside_a_snapshot_keeps_the_json_that_gs1_gs2_and_ps1_hold()
    {
        // gs2 did not change with the compact ledger because the ledger's stored form did not: this holds it there.
        var game = SnapshotFixtures.Build().Game;
        var stored = JsonDocument.Parse(Sys.Serialization.FindSerializerFor(game).ToBinary(game)).RootElement.GetProperty("milestones");
        var entries = stored.GetProperty("entries").EnumerateObject().ToList();
        entries.Should().NotBeEmpty();
        entries.Select(e => e.Name).Should().Equal(game.Milestones.Entries.Select(e => MilestoneLedger.KeyOf(e.Rule, e.Subject, e.Threshold)));
        entries.Select(e => e.Name).Should().BeInAscendingOrder(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            entry.Value.EnumerateObject().Select(p => p.Name).Should().Equal("issued", "active");
            entry.Value.GetProperty("active").ValueKind.Should().Be(JsonValueKind.Array);
        }
        var ps1 = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(PayloadDirectory, "PlayerState.ps1.json"))).RootElement.GetProperty("milestones");
        var player = SnapshotFixtures.Build().Player;
        JsonDocument.Parse(Sys.Serialization.FindSerializerFor(player).ToBinary(player)).RootElement.GetProperty("milestones").GetRawText()
            .Should().Be(ps1.GetRawText(), "the fixture player's ledger is stored byte for byte as ps1 stored it");
    }

    [Fact]
    public void A_ps1_snapshot_written_by_an_earlier_build_restores_the_same_player()
    {
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(PlayerState));
        var restored = (PlayerState)serializer.FromBinary(File.ReadAllBytes(Path.Combine(PayloadDirectory, "PlayerState.ps1.json")), "ps1");
        var expected = File.ReadAllText(Path.Combine(PayloadDirectory, "PlayerState.ps1.expected.json"));

        SnapshotFixtures.Describe(restored).Should().Be(expected);
        SnapshotFixtures.Describe(RoundTrip(SnapshotFixtures.Build().Player)).Should().Be(expected);
    }

    [Fact]
    public void A_long_game_restored_from_gs2_equals_the_game_and_goes_on_identically()
    {
        var game = new GameDriver("g-long");
        game.Applied(Scheduled("g-long"), Started("g-long"));
        var random = new Random(5);
        var scores = new List<Basketball.Domain.Events.EventEnvelope>();
        for (var i = 0; i < 1_500; i++)
        {
            var score = Score("g-long", random.Next(2) == 0 ? "t-1" : "t-2", $"p-{random.Next(12)}", random.Next(1, 4), 1 + random.Next(5),
                random.Next(0, 300));
            scores.Add(score);
            game.Applied(score);
            if (i % 97 == 3)
                game.Applied(Correction("g-long", scores[random.Next(scores.Count)].EventId));
        }

        var copy = RoundTrip(game.State);

        Json(copy.ToProjection(1)).Should().Be(Json(game.State.ToProjection(1)));
        Json(copy.PlayByPlay()).Should().Be(Json(game.State.PlayByPlay()));
        Json(copy.PlayByPlay()).Should().Be(Json(game.Replayed().PlayByPlay()));
        copy.AppliedIds.Count.Should().Be(game.State.AppliedIds.Count);
        foreach (var score in scores.Take(50))
        {
            Json(copy.Decide(score, BasketballSettings.Default)).Should().Be(Json(game.State.Decide(score, BasketballSettings.Default)));
            var correction = Correction("g-long", score.EventId);
            Json(Outcome(copy.Decide(correction, BasketballSettings.Default)))
                .Should().Be(Json(Outcome(game.State.Decide(correction, BasketballSettings.Default))), "a correction is decided the same");
        }
    }

    private T RoundTrip<T>(T state) where T : class
    {
        var serializer = Sys.Serialization.FindSerializerFor(state);
        serializer.Should().BeOfType<BasketballSerializer>();
        var manifest = ((BasketballSerializer)serializer).Manifest(state);
        return (T)((BasketballSerializer)serializer).FromBinary(serializer.ToBinary(state), manifest);
    }

    private static object Outcome(Decision<IGameJournalEvent> decision) => decision switch
    {
        Decision<IGameJournalEvent>.Persist persist => persist.Event,
        Decision<IGameJournalEvent>.Answer answer => answer.Outcome,
        _ => decision,
    };

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType());
}
