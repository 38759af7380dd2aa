// The compact structures behind a game's memory: exact eventId keys, the applied-id set, the chunked play-by-play,
// the player lines.
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;

namespace Basketball.Shards.Tests.Domain;

public class CompactCollectionsTests
{
    private static readonly string[] Ids =
    [
        "8f0c2a9d4b7e4f13a6d25c1e0b9f3a77", "8F0C2A9D4B7E4F13A6D25C1E0B9F3A77", "8f0c2a9d-4b7e-4f13-a6d2-5c1e0b9f3a77",
        "8F0C2A9D-4B7E-4F13-A6D2-5C1E0B9F3A77", "{8f0c2a9d-4b7e-4f13-a6d2-5c1e0b9f3a77}", "(8f0c2a9d-4b7e-4f13-a6d2-5c1e0b9f3a77)",
        "0x8f0c2a9d4b7e4f13a6d25c1e0b9f3a77", " 8f0c2a9d4b7e4f13a6d25c1e0b9f3a77", "e-1", "", "00000000000000000000000000000000",
        "00000000-0000-0000-0000-000000000000",
    ];

    [Fact]
    public void An_event_key_is_equal_only_to_the_key_of_the_very_same_id_and_gives_the_id_back()
    {
        foreach (var a in Ids)
        {
            EventKey.Of(a).ToString().Should().Be(a);
            foreach (var b in Ids)
            {
                (EventKey.Of(a) == EventKey.Of(b)).Should().Be(a == b, $"'{a}' vs '{b}'");
                (EventKey.Of(a).CompareTo(EventKey.Of(b)) == 0).Should().Be(a == b, $"'{a}' vs '{b}'");
            }
        }
    }

    [Fact]
    public void The_id_set_contains_exactly_what_was_added_in_any_order_and_versions_stay_independent()
    {
        var random = new Random(3);
        var added = new List<string>();
        var set = EventIdSet.Empty;
        var versions = new List<(EventIdSet Set, int Count)>();
        for (var i = 0; i < 700; i++)
        {
            var id = random.Next(3) switch { 0 => Guid.NewGuid().ToString("N"), 1 => Guid.NewGuid().ToString(), _ => $"e-{random.Next(400)}" };
            if (!added.Contains(id))
                added.Add(id);
            set = set.Add(id).Add(id);
            versions.Add((set, added.Count));
        }
        set.Count.Should().Be(added.Count);
        added.Should().OnlyContain(id => set.Contains(id));
        set.Contains("e-400").Should().BeFalse();
        set.Contains(added[0].ToUpperInvariant()).Should().Be(added.Contains(added[0].ToUpperInvariant()));
        versions.Should().OnlyContain(v => v.Set.Count == v.Count && v.Set.Count(k => true) == v.Count);
        versions[10].Set.Should().OnlyContain(k => added.Take(versions[10].Count).Contains(k.ToString()));
        EventIdSet.Of(added.Concat(added)).Count.Should().Be(added.Count);
    }

    [Fact]
    public void The_play_list_keeps_clock_order_through_inserts_and_removes_like_a_sorted_list()
    {
        var random = new Random(11);
        var list = PlayList.Empty;
        var expected = new List<Play>();
        for (var i = 1; i <= 2_000; i++)
        {
            // Mostly in clock order, sometimes late (a play recorded after later ones), sometimes removed.
            var period = 1 + i / 500;
            var clock = random.Next(10) == 0 ? random.Next(0, 720) : Math.Max(0, 720 - i % 500 * 1);
            var play = new Play(EventKey.Of($"e-{i}"), "t-1", "p-1", 2, ShotType.FieldGoal, period, clock, i);
            list = list.Insert(play);
            expected.Add(play);
            if (random.Next(20) == 0)
            {
                var gone = expected[random.Next(expected.Count)];
                list.Find(gone.Key).Should().BeSameAs(gone);
                list = list.Remove(gone);
                expected.Remove(gone);
                list.Find(gone.Key).Should().BeNull();
            }
        }
        expected.Sort(Play.CompareByClock);
        list.Should().Equal(expected);
        list.Count.Should().Be(expected.Count);
        list[0].Should().BeSameAs(expected[0]);
        PlayList.OfOrdered(expected).Should().Equal(expected);
    }

    [Fact]
    public void The_player_line_set_answers_as_a_dictionary_of_the_latest_line_per_player()
    {
        var random = new Random(3);
        var set = PlayerLineSet.Empty;
        var model = new Dictionary<string, PlayerGameLine>(StringComparer.Ordinal);
        // Ids that sort differently by ordinal than by culture or length.
        string[] players = ["p-1", "p-10", "p-2", "P-1", "p-1x", "", "ä", "a"];
        for (var i = 0; i < 500; i++)
        {
            var player = new string(players[random.Next(players.Length)]);
            var line = new PlayerGameLine("g", player, "t", i, random.Next(50), 0, 0, 0, $"e-{i}", DateTimeOffset.UnixEpoch);
            var before = set;
            set = set.SetItem(line);
            model[player] = line;

            before.Count.Should().Be(model.Count - (before.Count == model.Count ? 0 : 1), "the earlier version is unchanged");
            set.Values.Should().Equal(model.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));
            foreach (var id in players)
            {
                set.TryGetValue(id, out var found).Should().Be(model.TryGetValue(id, out var expected));
                found.Should().BeSameAs(expected);
            }
        }
        set.TryGetKey(new string("p-1"), out var known).Should().BeTrue();
        known.Should().BeSameAs(set.GetValueOrDefault("p-1")!.PlayerId, "a play keeps the set's instance of the id");
        PlayerLineSet.Of(set.Values.Reverse()).Values.Should().Equal(set.Values);
    }
}
