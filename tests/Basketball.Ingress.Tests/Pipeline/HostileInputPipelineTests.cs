using System.Numerics;
using System.Text;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Ingress.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Basketball.Ingress.Tests.Pipeline;

/// <summary>
/// Records built to break the consumer, put through kinesalite on the partition key of a game whose events come
/// before and after them: the shard must move past every one (a dead letter with its reason) and the game behind
/// them must still be applied. Before the fix, a lone surrogate escape in an id threw from the parser, the
/// reader's stream failed, and every reader after it failed on the same record: the shard never moved again.
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class HostileInputPipelineTests(KinesaliteFixture kinesis)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);

    private const string Envelope = """
        {"eventId":"EID","aggregateId":"AID","aggregateType":"Game","eventType":"GameCompleted","eventVersion":"1",
         "timestamp":"2026-01-01T00:00:00Z","metadata":{"correlationId":"c","source":"s"},"eventData":{"gameId":"AID"}}
        """;

    [Fact]
    public async Task Every_hostile_record_becomes_a_dead_letter_and_the_game_behind_it_is_applied()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1);
        var script = OrderedScript.Create("hostile", games: 2, scoresPerGame: 12, players: 3, teamChanges: 2, seed: 5);
        var key = script.Games.Keys.First();
        // (record, the reason a person expects): the oracle is this table.
        var hostile = new List<(byte[] Data, string Reason)>
        {
            (Utf8(Envelope.Replace("\"aggregateId\":\"AID\"", "\"aggregateId\":\"\\ud800\"").Replace("EID", "h1")), "invalid_value"),
            (Utf8(Envelope.Replace("EID", "h2\\udc00").Replace("AID", key)), "invalid_value"),
            (Utf8(Envelope.Replace("EID", "h3\\u0000").Replace("AID", key)), "invalid_value"),
            (Utf8(Envelope.Replace("EID", "h4").Replace("AID", "g\\u0000")), "invalid_value"),
            ([0xEF, 0xBB, 0xBF, .. Utf8(Envelope.Replace("EID", "h5").Replace("AID", key))], "malformed_json"),
            ([0xFF, 0xFE, 0x00, 0x7B], "malformed_json"),
            (Utf8(Envelope.Replace("EID", "h6").Replace("AID", key).Replace("\"eventVersion\":\"1\"", "\"eventVersion\":\"1\",\"eventVersion\":\"2\"")), "malformed_json"),
            (Utf8(new string('[', 100_000)), "malformed_json"),
            (Utf8(Envelope.Replace("EID", "h7").Replace("\"aggregateId\":\"AID\"", $"\"aggregateId\":\"{new string('g', 900 * 1024)}\"")), "invalid_value"),
            (Utf8(Envelope[..40]), "malformed_json"),
            (Utf8("1e309"), "malformed_json"),
        };

        var half = script.Events.Count / 2;
        await harness.PutAsync(script.Events.Take(half));
        foreach (var (data, _) in hostile) // one call each: a 900 KB record and a batch limit of 5 MiB
            await harness.PutRawAsync([(key, data)]);
        await harness.PutAsync(script.Events.Skip(half));

        await harness.AssertConvergesAsync(script, Converge);
        await Eventually.Assert(async () =>
        {
            var letters = await harness.DeadLettersAsync();
            letters.Select(l => l.GetProperty("reason").GetString()).Should().BeEquivalentTo(hostile.Select(h => h.Reason));
            letters.OrderBy(l => BigInteger.Parse(l.GetProperty("sequenceNumber").GetString()!))
                .Select(l => Convert.FromBase64String(l.GetProperty("data").GetString()!))
                .Should().BeEquivalentTo(hostile.Select(h => h.Data), o => o.WithStrictOrdering(), "each dead letter keeps its record's bytes, in order");
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_record_that_fails_the_reader_every_time_is_dead_lettered_after_a_bounded_number_of_reads()
    {
        // A dead letter that the database refuses every time (a fault the real store no longer produces for any
        // record we know of, hence the double): the batch fails, the next reader reads it again, and so on.
        var refusing = new RefusingSink("poison-pill");
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1,
            services: services => services.AddSingleton<IDeadLetterSink>(sp => refusing.Wrapping(sp.GetRequiredService<DeadLetterStore>())),
            hocon: "\nbasketball.ingress.max-batch-failures = 3\n");
        var script = OrderedScript.Create("poison", games: 2, scoresPerGame: 12, players: 3, teamChanges: 2, seed: 6);
        var key = script.Games.Keys.First();
        var poison = Utf8(Envelope.Replace("EID", "p1").Replace("AID", key).Replace("GameCompleted", "poison-pill"));
        var plain = Utf8(Envelope.Replace("EID", "p2").Replace("AID", key).Replace("GameCompleted", "GameExploded"));

        var half = script.Events.Count / 2;
        await harness.PutAsync(script.Events.Take(half));
        await harness.PutRawAsync([(key, poison), (key, plain)]);
        await harness.PutAsync(script.Events.Skip(half));

        await harness.AssertConvergesAsync(script, Converge);
        await Eventually.Assert(async () =>
        {
            var letters = await harness.DeadLettersAsync();
            letters.Should().HaveCount(2);
            var isolated = letters.Single(l => Convert.FromBase64String(l.GetProperty("data").GetString()!).SequenceEqual(poison));
            isolated.GetProperty("reason").GetString().Should().Be("processing_failed");
            isolated.GetProperty("message").GetString().Should().Contain("unknown_event_type").And.Contain("repeatedly");
            var other = letters.Single(l => Convert.FromBase64String(l.GetProperty("data").GetString()!).SequenceEqual(plain));
            other.GetProperty("reason").GetString().Should().Be("unknown_event_type", "a letter the store accepts keeps its own reason");
        }, TimeSpan.FromSeconds(20));
        refusing.Refusals.Should().BeGreaterThanOrEqualTo(3, "the reader failed on the record max-batch-failures times before isolating it");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Fails every write holding a letter whose message names <c>marker</c>, as a database that refuses its text would.</summary>
    private sealed class RefusingSink(string marker)
    {
        private int _refusals;

        private string Marker { get; } = marker;

        public int Refusals => Volatile.Read(ref _refusals);

        public IDeadLetterSink Wrapping(IDeadLetterSink inner) => new Sink(this, inner);

        private sealed class Sink(RefusingSink owner, IDeadLetterSink inner) : IDeadLetterSink
        {
            public Task<int> StoreManyAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default)
            {
                if (letters.Any(l => l.Message.Contains(owner.Marker) || (l.EventId?.Contains(owner.Marker) ?? false)))
                {
                    Interlocked.Increment(ref owner._refusals);
                    throw new InvalidOperationException("the database refused the row");
                }
                return inner.StoreManyAsync(letters, cancellationToken);
            }
        }
    }
}
