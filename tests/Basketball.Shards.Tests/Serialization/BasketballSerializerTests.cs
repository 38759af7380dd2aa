using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Serialization;

namespace Basketball.Shards.Tests.Serialization;

public class BasketballSerializerTests() : Akka.TestKit.Xunit2.TestKit(BasketballSerialization.Config)
{
    private static string PayloadDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "serialization-v1");

    public static TheoryData<string> JournalEventNames => new(SampleJournal.JournalEvents.Keys);

    [Theory]
    [MemberData(nameof(JournalEventNames))]
    public void Every_journal_event_resolves_to_the_project_serializer_and_round_trips(string name)
    {
        var original = SampleJournal.JournalEvents[name];
        var serializer = Sys.Serialization.FindSerializerFor(original);
        serializer.Should().BeOfType<BasketballSerializer>();

        var manifest = ((BasketballSerializer)serializer).Manifest(original);
        var copy = ((BasketballSerializer)serializer).FromBinary(serializer.ToBinary(original), manifest);

        // Records with immutable arrays compare arrays by reference: compare the canonical JSON instead.
        Json(copy).Should().Be(Json(original));
        copy.GetType().Should().Be(original.GetType());
    }

    [Theory]
    [MemberData(nameof(JournalEventNames))]
    public void A_checked_in_v1_payload_still_deserializes_to_the_same_event(string name)
    {
        var path = Path.Combine(PayloadDirectory, name + ".json");
        File.Exists(path).Should().BeTrue($"the v1 payload {path} is checked in (regenerate only for a NEW manifest)");
        var lines = File.ReadAllLines(path);
        var manifest = lines[0];
        var payload = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines.Skip(1)));

        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(GameEventApplied));
        var restored = serializer.FromBinary(payload, manifest);

        Json(restored).Should().Be(Json(SampleJournal.JournalEvents[name]));
    }

    [Fact]
    public void Snapshots_and_remote_messages_are_bound_to_the_project_serializer()
    {
        Sys.Serialization.FindSerializerForType(typeof(GameState)).Should().BeOfType<BasketballSerializer>();
        Sys.Serialization.FindSerializerForType(typeof(PlayerState)).Should().BeOfType<BasketballSerializer>();
        foreach (var type in BasketballSerializer.Manifests.Keys)
            Sys.Serialization.FindSerializerForType(type).Should().BeOfType<BasketballSerializer>(type.Name);
    }

    [Fact]
    public void Manifests_are_unique_and_short()
    {
        var manifests = BasketballSerializer.Manifests.Values.ToList();
        manifests.Should().OnlyHaveUniqueItems();
        manifests.Should().OnlyContain(m => m.Length <= 4);
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(GameEventApplied));
        var act = () => serializer.FromBinary("{}"u8.ToArray(), "zz9");
        act.Should().Throw<System.Runtime.Serialization.SerializationException>().WithMessage("*zz9*");
    }

    /// <summary>Writes the v1 payload files. Run on purpose only (set BASKETBALL_WRITE_PAYLOADS=1) when a new manifest is added.</summary>
    [Fact]
    public void Writes_v1_payload_files_when_asked()
    {
        var target = Environment.GetEnvironmentVariable("BASKETBALL_WRITE_PAYLOADS");
        if (string.IsNullOrEmpty(target))
            return; // the normal run only reads the checked-in files (see the test above)
        Directory.CreateDirectory(target);
        var serializer = (BasketballSerializer)Sys.Serialization.FindSerializerForType(typeof(GameEventApplied));
        foreach (var (name, evt) in SampleJournal.JournalEvents)
        {
            var text = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(evt));
            File.WriteAllText(Path.Combine(target, name + ".json"), serializer.Manifest(evt) + "\n" + text);
        }
    }

    private string Json(object value) =>
        System.Text.Encoding.UTF8.GetString(Sys.Serialization.FindSerializerFor(value).ToBinary(value));
}
