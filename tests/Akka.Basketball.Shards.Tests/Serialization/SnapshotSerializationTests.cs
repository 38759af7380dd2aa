using System.Text.Json;
using Akka.Basketball.Shards.Domain;
using Akka.Basketball.Shards.Domain.Games;
using Akka.Basketball.Shards.Domain.Players;
using Akka.Basketball.Shards.Serialization;
using Akka.Basketball.Shards.Tests.Domain;
using static Akka.Basketball.TestSupport.TestEvents;

namespace Akka.Basketball.Shards.Tests.Serialization;

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

    private T RoundTrip<T>(T state) where T : class
    {
        var serializer = Sys.Serialization.FindSerializerFor(state);
        serializer.Should().BeOfType<BasketballSerializer>();
        var manifest = ((BasketballSerializer)serializer).Manifest(state);
        return (T)((BasketballSerializer)serializer).FromBinary(serializer.ToBinary(state), manifest);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType());
}
