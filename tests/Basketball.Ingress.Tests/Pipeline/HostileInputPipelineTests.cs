using System.Net;
using System.Numerics;
using System.Text;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Ingress.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Basketball.Ingress.Tests.Pipeline;

/// <summary>
/// The corpus of records built to break parsers (HostileRecords), put through kinesalite on the partition key of a game
/// whose events come before and after them: the shard must move past every one (a dead letter with the corpus's
/// reason, its valid rows applied), the games and players around them must still be applied, and the node stays ready.
/// Before the fix, a lone surrogate escape in an id threw from the parser, the reader's stream failed, and every reader
/// after it failed on the same record: the shard never moved again.
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
    public async Task Every_hostile_record_becomes_a_dead_letter_with_its_reason_and_the_games_around_it_are_applied()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1);
        var script = OrderedScript.Create("hostile", games: 2, scoresPerGame: 12, players: 3, teamChanges: 2, seed: 5);
        var key = script.Games.Keys.First();
        // The corpus's answers are the oracle (tests/Basketball.TestSupport/HostileRecords.cs). Its valid rows register
        // players of their own; a wrong-type row that is still valid would change game g-1 or player p-7, so only the
        // rejected ones go in. A record over Kinesis's 1 MiB limit cannot be put at all.
        var hostile = HostileRecords.Corpus.Concat(HostileRecords.WrongTypes.Where(r => !r.IsValid))
            .Where(r => r.Data.Length + key.Length <= KinesisRecordLimit)
            .ToList();
        var rejected = hostile.Where(r => !r.IsValid).ToList();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        var half = script.Events.Count / 2;
        await harness.PutAsync(script.Events.Take(half));
        foreach (var batch in Batches(hostile))
            await harness.PutRawAsync(batch.Select(r => (key, r.Data)));
        await harness.PutAsync(script.Events.Skip(half));

        await harness.AssertConvergesAsync(script, Converge);
        await Eventually.Assert(async () =>
        {
            var letters = (await harness.DeadLettersAsync())
                .OrderBy(l => BigInteger.Parse(l.GetProperty("sequenceNumber").GetString()!))
                .ToList();
            letters.Should().HaveCount(rejected.Count, "every rejected record is one dead letter, and no valid one is");
            for (var i = 0; i < rejected.Count; i++)
            {
                Convert.FromBase64String(letters[i].GetProperty("data").GetString()!).Should()
                    .Equal(rejected[i].Data, $"dead letter {i} keeps the bytes of '{rejected[i].Name}', in stream order");
                letters[i].GetProperty("reason").GetString().Should().Be(rejected[i].Reason, rejected[i].Name);
                letters[i].GetProperty("message").GetString().Should().Contain(rejected[i].Mentions, rejected[i].Name);
            }
        }, TimeSpan.FromSeconds(20));
        foreach (var valid in hostile.Where(r => r.IsValid))
        {
            var player = await harness.GetAsync($"/api/players/{Uri.EscapeDataString(valid.Mentions)}");
            player.Should().NotBeNull($"'{valid.Name}' is a valid registration and is applied");
            player!.Value.GetProperty("teamId").GetString().Should().Be("t-1", valid.Name);
        }

        using var ready = await harness.Node.Http.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK, "the node stays ready: " + await ready.Content.ReadAsStringAsync());
        (GC.GetTotalMemory(forceFullCollection: true) - memoryBefore).Should().BeLessThan(512L * 1024 * 1024,
            "the corpus (a few MB) leaves no lasting weight behind");
    }

    /// <summary>A record's data and partition key together, as Kinesis counts them.</summary>
    private const int KinesisRecordLimit = 1024 * 1024;

    /// <summary>PutRecords calls of at most 500 records and 4 MiB (Kinesis's limits are 500 and 5 MiB), in order.</summary>
    private static IEnumerable<List<HostileRecord>> Batches(IEnumerable<HostileRecord> records)
    {
        var batch = new List<HostileRecord>();
        var bytes = 0;
        foreach (var record in records)
        {
            if (batch.Count == 500 || (batch.Count > 0 && bytes + record.Data.Length > 4 * 1024 * 1024))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(record);
            bytes += record.Data.Length;
        }
        if (batch.Count > 0)
            yield return batch;
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
