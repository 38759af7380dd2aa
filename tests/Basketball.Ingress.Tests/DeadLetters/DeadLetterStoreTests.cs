using System.Text;
using System.Text.Json;
using Basketball.Ingress.DeadLetters;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Storage;
using Basketball.Storage;

namespace Basketball.Ingress.Tests.DeadLetters;

[Collection(PostgresCollection.Name)]
public sealed class DeadLetterStoreTests(PostgresFixture postgres) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 30, 15, 123, TimeSpan.Zero);

    private readonly TestDatabases _databases = new(postgres);

    public static TheoryData<DatabaseKind> Kinds => TestDatabases.Kinds;

    public void Dispose() => _databases.Dispose();

    // With BASKETBALL_SKIP_POSTGRES=1 the PostgreSQL rows leave the theories; this says so in the results.
    [PostgresFact]
    public void The_postgresql_cases_of_these_tests_are_run() =>
        ((IEnumerable<object[]>)Kinds).Select(row => (DatabaseKind)row[0]).Should().Contain(DatabaseKind.Postgres);

    private async Task<DeadLetterStore> NewStoreAsync(DatabaseKind kind) => new(await _databases.CreateAsync(kind));

    private static DeadLetter Letter(string? sequenceNumber, string reason = "malformed_json", string shard = "shardId-000000000001") =>
        new(reason,
            $"record {sequenceNumber} is broken",
            EventId: sequenceNumber is null ? null : $"evt-{sequenceNumber}",
            AggregateId: "game-1",
            PartitionKey: "game-1",
            ShardId: sequenceNumber is null ? null : shard,
            SequenceNumber: sequenceNumber,
            Data: Encoding.UTF8.GetBytes($"{{not json {sequenceNumber}"),
            ReceivedAt: Now);

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_stored_dead_letter_reads_back_unchanged(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var letter = Letter("49590338271490256608559692538361571095921575989136588801") with
        {
            Data = [0, 1, 2, 0xFF, 0xFE, (byte)'{'],
            ReceivedAt = new DateTimeOffset(2025, 3, 1, 14, 30, 15, 123, TimeSpan.FromHours(2)),
        };

        (await store.StoreManyAsync([letter])).Should().Be(1);

        var stored = await store.NewestAsync(10);
        stored.Should().ContainSingle().Which.Should().Be(letter);
        stored[0].ReceivedAt.UtcDateTime.Should().Be(letter.ReceivedAt.UtcDateTime);
    }

    [Fact]
    public async Task One_answer_holds_at_most_16_MiB_of_records_the_newest_first()
    {
        // A thousand hostile records of 1 MiB would otherwise be one answer of a gigabyte.
        var store = await NewStoreAsync(DatabaseKind.Sqlite);
        var megabyte = new byte[1024 * 1024];
        var letters = Enumerable.Range(1, 20).Select(i => Letter($"{i}") with { Data = megabyte }).ToList();
        letters.Add(Letter("21"));
        await store.StoreManyAsync(letters);

        var newest = await store.NewestAsync(1000);
        newest.Select(l => l.SequenceNumber).Should().Equal(Enumerable.Range(5, 17).Reverse().Select(i => $"{i}"),
            "the small newest letter and then 16 of 1 MiB reach the budget");
        newest.Sum(l => (long)l.Data.Length).Should().BeLessThanOrEqualTo(DeadLetterStore.MaxAnswerDataBytes + megabyte.Length);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Text_no_database_can_hold_is_stored_as_replacement_characters_and_the_bytes_stay_exact(DatabaseKind kind)
    {
        // PostgreSQL refuses NUL in text and Npgsql refuses an unpaired surrogate: either used to fail the write, and
        // a dead letter that cannot be stored holds its shard. The raw record (bytea / BLOB) keeps every byte.
        var store = await NewStoreAsync(kind);
        var letter = Letter("200") with
        {
            Message = "id 'g\0x' is bad \ud800 and \udc00, \ud83c\udfc0 is fine",
            EventId = "e\0",
            AggregateId = "g\ud800",
            PartitionKey = "k\udfff\0",
            Data = [0x7B, 0x00, 0xED, 0xA0, 0x80],
        };

        (await store.StoreManyAsync([letter])).Should().Be(1);

        var stored = (await store.NewestAsync(10)).Should().ContainSingle().Subject;
        stored.Message.Should().Be("id 'g\uFFFDx' is bad \uFFFD and \uFFFD, \ud83c\udfc0 is fine");
        stored.EventId.Should().Be("e\uFFFD");
        stored.AggregateId.Should().Be("g\uFFFD");
        stored.PartitionKey.Should().Be("k\uFFFD\uFFFD");
        stored.Data.Should().Equal(letter.Data);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task The_same_kinesis_record_stored_twice_keeps_one_row(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        await store.StoreManyAsync([Letter("100"), Letter("101")]);

        var inserted = await store.StoreManyAsync([Letter("101") with { Message = "again after a crash" }, Letter("102")]);

        inserted.Should().Be(1);
        (await store.CountAsync()).Should().Be(3);
        (await store.NewestAsync(10)).Should().ContainSingle(l => l.SequenceNumber == "101").Which.Message.Should().Be("record 101 is broken");
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task The_same_sequence_number_on_another_shard_is_another_record(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);

        await store.StoreManyAsync([Letter("100", shard: "shardId-000000000001"), Letter("100", shard: "shardId-000000000002")]);

        (await store.CountAsync()).Should().Be(2);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Letters_without_a_shard_are_all_kept(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);

        await store.StoreManyAsync([Letter(null), Letter(null)]);
        await store.StoreManyAsync([Letter(null)]);

        (await store.CountAsync()).Should().Be(3);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Newest_lists_the_latest_stored_first_up_to_the_limit(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        await store.StoreManyAsync([Letter("1"), Letter("2"), Letter("3")]);
        await store.StoreManyAsync([Letter("4"), Letter("5")]);

        var newest = await store.NewestAsync(3);

        newest.Select(l => l.SequenceNumber).Should().Equal("5", "4", "3");
        (await store.NewestAsync(0)).Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Counts_are_given_in_total_and_by_reason(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        (await store.CountAsync()).Should().Be(0);

        await store.StoreManyAsync([
            Letter("1", "malformed_json"), Letter("2", "missing_field"), Letter("3", "malformed_json"),
            Letter("4", "processing_failed"), Letter("3", "malformed_json"),
        ]);

        (await store.CountAsync()).Should().Be(4);
        (await store.CountByReasonAsync()).Should().Equal(new Dictionary<string, long>
        {
            ["malformed_json"] = 2,
            ["missing_field"] = 1,
            ["processing_failed"] = 1,
        });
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_batch_is_stored_in_one_transaction_or_not_at_all(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var broken = Letter("2") with { SequenceNumber = null };

        var storing = () => store.StoreManyAsync([Letter("1"), broken]);

        await storing.Should().ThrowAsync<ArgumentException>();
        (await store.CountAsync()).Should().Be(0);
    }

    [Fact]
    public void A_dead_letter_serializes_as_the_http_api_describes()
    {
        var letter = Letter("100") with { Data = Encoding.UTF8.GetBytes("{oops") };

        var json = JsonSerializer.Serialize(letter, DeadLetterJsonContext.Default.DeadLetter);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal(
            "reason", "message", "eventId", "aggregateId", "partitionKey", "shardId", "sequenceNumber", "data", "receivedAt");
        root.GetProperty("data").GetString().Should().Be(Convert.ToBase64String(Encoding.UTF8.GetBytes("{oops")));
        root.GetProperty("sequenceNumber").GetString().Should().Be("100");
        root.GetProperty("receivedAt").GetDateTimeOffset().Should().Be(Now);
        JsonSerializer.Deserialize(json, DeadLetterJsonContext.Default.DeadLetter).Should().Be(letter);
    }

    [Fact]
    public void Optional_event_and_aggregate_ids_are_left_out_when_unknown()
    {
        var letter = Letter("100") with { EventId = null, AggregateId = null };

        var json = JsonSerializer.Serialize(letter, DeadLetterJsonContext.Default.DeadLetter);

        json.Should().NotContain("eventId").And.NotContain("aggregateId").And.Contain("\"partitionKey\"");
    }
}
