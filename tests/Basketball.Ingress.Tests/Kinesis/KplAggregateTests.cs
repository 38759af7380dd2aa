using System.Security.Cryptography;
using System.Text;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

/// <summary>The KPL aggregation format: golden bytes built by hand from the protobuf wire format, and round trips.</summary>
public sealed class KplAggregateTests
{
    // AggregatedRecord { partition_key_table: ["g-1", "p-7"], explicit_hash_key_table: ["123"],
    //   records: [ { partition_key_index: 0, data: "A" },
    //              { partition_key_index: 1, explicit_hash_key_index: 0, data: "BC", tags: [{ key: "k", value: "v" }] } ] }
    // written field by field: tag byte = (field number << 3) | wire type (0 varint, 2 length-delimited).
    private static readonly byte[] GoldenProtobuf =
    [
        0x0A, 0x03, (byte)'g', (byte)'-', (byte)'1',                  // 1: partition_key_table "g-1"
        0x0A, 0x03, (byte)'p', (byte)'-', (byte)'7',                  // 1: partition_key_table "p-7"
        0x12, 0x03, (byte)'1', (byte)'2', (byte)'3',                  // 2: explicit_hash_key_table "123"
        0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'A',                // 3: records { 1: 0, 3: "A" }
        0x1A, 0x10, 0x08, 0x01, 0x10, 0x00, 0x1A, 0x02, (byte)'B', (byte)'C', // 3: records { 1: 1, 2: 0, 3: "BC",
        0x22, 0x06, 0x0A, 0x01, (byte)'k', 0x12, 0x01, (byte)'v',     //   4: tags { 1: "k", 2: "v" } }
    ];

    private static byte[] Frame(byte[] protobuf, byte[]? md5 = null) =>
        [0xF3, 0x89, 0x9A, 0xC2, .. protobuf, .. md5 ?? MD5.HashData(protobuf)];

    [Fact]
    public void A_hand_built_aggregate_reads_as_its_user_records_in_order_with_their_own_keys()
    {
        var read = KplAggregate.Read(Frame(GoldenProtobuf));

        read.Problem.Should().BeNull();
        read.Records.Should().HaveCount(2);
        read.Records![0].Should().BeEquivalentTo(new { SubSequenceNumber = 0, PartitionKey = "g-1", ExplicitHashKey = (string?)null });
        read.Records[0].Data.Should().Equal("A"u8.ToArray());
        read.Records[1].Should().BeEquivalentTo(new { SubSequenceNumber = 1, PartitionKey = "p-7", ExplicitHashKey = "123" });
        read.Records[1].Data.Should().Equal("BC"u8.ToArray());
    }

    [Fact]
    public void A_bad_checksum_truncated_protobuf_bad_index_missing_data_or_no_records_is_malformed_with_the_reason()
    {
        KplAggregate.Read(Frame(GoldenProtobuf, new byte[16])).Problem.Should().Contain("MD5");
        KplAggregate.Read(Frame(GoldenProtobuf[..^3])).Problem.Should().Contain("protobuf");
        KplAggregate.Read([0xF3, 0x89, 0x9A, 0xC2, 0x01]).Problem.Should().Contain("shorter");
        // partition_key_index 5 of a table of 1
        KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g', 0x1A, 0x05, 0x08, 0x05, 0x1A, 0x01, (byte)'A'])).Problem
            .Should().Contain("partition key 5 of a table of 1");
        // a record without data
        KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g', 0x1A, 0x02, 0x08, 0x00])).Problem.Should().Contain("data is missing");
        KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g'])).Problem.Should().Contain("no user records");
        KplAggregate.Read(Frame([0xFF, 0xFF, 0xFF])).IsValid.Should().BeFalse();
    }

    [Fact]
    public void A_record_without_the_magic_bytes_or_with_an_index_just_past_its_table_is_malformed_with_the_reason()
    {
        KplAggregate.Read("{\"eventId\":\"e\"}"u8).Problem.Should().Be("a KPL aggregated record, but it does not start with the KPL magic bytes F3 89 9A C2");
        // The magic bytes and the MD5 of no protobuf bytes: long enough, and empty.
        KplAggregate.Read(Frame([])).Problem.Should().Be("a KPL aggregated record, but it holds no user records");
        // Two records of a table of one key; the second names key 1.
        KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g', 0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'A', 0x1A, 0x05, 0x08, 0x01, 0x1A, 0x01, (byte)'B'])).Problem
            .Should().Be("a KPL aggregated record, but user record 1 names partition key 1 of a table of 1");
        // explicit_hash_key_index 1 of a table of one hash key.
        KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g', 0x12, 0x01, (byte)'h', 0x1A, 0x07, 0x08, 0x00, 0x10, 0x01, 0x1A, 0x01, (byte)'A'])).Problem
            .Should().Be("a KPL aggregated record, but user record 0 names explicit hash key 1 of a table of 1");
        // A record with data and no partition_key_index.
        KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g', 0x1A, 0x03, 0x1A, 0x01, (byte)'A'])).Problem
            .Should().Be("a KPL aggregated record, but user record 0: the required partition_key_index is missing");
    }

    [Fact]
    public void Unknown_fields_of_the_aggregate_and_of_a_record_are_skipped()
    {
        // 15: an unknown length-delimited field of the aggregate; 9: an unknown varint field of the record. Read as
        // tags instead of skipped, their values (0x02, 0x05) would be tags of field 0, which protobuf refuses.
        var read = KplAggregate.Read(Frame([0x0A, 0x01, (byte)'g', 0x7A, 0x02, 0x08, 0x01, 0x1A, 0x07, 0x48, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'A']));

        read.Problem.Should().BeNull();
        read.Records!.Select(r => (r.SubSequenceNumber, r.PartitionKey, r.ExplicitHashKey, Text: Encoding.UTF8.GetString(r.Data)))
            .Should().Equal((0, "g", (string?)null, "A"));
    }

    [Fact]
    public void A_writer_puts_a_repeated_key_in_the_table_once_and_refuses_no_records()
    {
        KplAggregate.Write([("g-1", "A"u8.ToArray()), ("p", "B"u8.ToArray()), ("g-1", "C"u8.ToArray())]).Should().Equal(Frame(
        [
            0x0A, 0x03, (byte)'g', (byte)'-', (byte)'1', 0x0A, 0x01, (byte)'p',   // the table: "g-1", "p"
            0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'A',                        // { key 0, "A" }
            0x1A, 0x05, 0x08, 0x01, 0x1A, 0x01, (byte)'B',                        // { key 1, "B" }
            0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'C',                        // { key 0, "C" }
        ]));

        FluentActions.Invoking(() => KplAggregate.Write(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => KplAggregate.Write([])).Should().Throw<ArgumentException>()
            .WithMessage("An aggregate needs at least one user record.*").Which.ParamName.Should().Be("records");
    }

    [Fact]
    public void Only_records_starting_with_the_magic_bytes_are_aggregates()
    {
        KplAggregate.IsAggregate(Frame(GoldenProtobuf)).Should().BeTrue();
        KplAggregate.IsAggregate("{\"eventId\":\"e\"}"u8).Should().BeFalse();
        KplAggregate.IsAggregate([0xF3, 0x89, 0x9A]).Should().BeFalse();
    }

    [Fact]
    public void Written_aggregates_read_back_to_the_same_records_in_order_and_match_the_golden_layout()
    {
        var records = new List<(string PartitionKey, ReadOnlyMemory<byte> Data)>
        {
            ("g-1", "A"u8.ToArray()), ("p-7", "BC"u8.ToArray()), ("g-1", new byte[300]), ("ключ", Encoding.UTF8.GetBytes("données")),
        };

        var bytes = KplAggregate.Write(records);
        var read = KplAggregate.Read(bytes);

        read.Records!.Select(r => (r.PartitionKey, Convert.ToBase64String(r.Data)))
            .Should().Equal(records.Select(r => (r.PartitionKey, Convert.ToBase64String(r.Data.ToArray()))));
        read.Records!.Select(r => r.SubSequenceNumber).Should().Equal(0, 1, 2, 3);
        // Without hash keys and tags the writer's bytes are the golden layout's: table first, then the records.
        KplAggregate.Write([("g-1", "A"u8.ToArray())]).Should().Equal(Frame([0x0A, 0x03, (byte)'g', (byte)'-', (byte)'1', 0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'A']));
    }

    [Fact]
    public void The_size_estimate_the_producer_packs_by_is_the_written_size()
    {
        var records = Enumerable.Range(0, 40).Select(i => ("game-0001", (ReadOnlyMemory<byte>)new byte[i * 37])).ToList();

        var estimate = KplAggregate.FrameOverhead + KplAggregate.KeySize("game-0001") + records.Sum(r => KplAggregate.RecordSize(0, r.Item2.Length));

        KplAggregate.Write(records).Length.Should().Be(estimate);
    }
}

[Collection(KinesaliteCollection.Name)]
public sealed class KinesisProducerAggregationTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task An_aggregating_producer_packs_each_keys_waiting_records_into_aggregates_that_read_back_in_key_order()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("agg"), 2);
        using var client = kinesalite.CreateClient();
        var sent = Enumerable.Range(0, 600).Select(i => ($"game-{i % 4}", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"game-{i % 4}:{i / 4}"))).ToList();
        // Three records of ~400 KB for one key: at most two fit one 1 MiB aggregate.
        var large = Enumerable.Range(0, 3).Select(i => ("big", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"big:{i}:" + new string('x', 400_000)))).ToList();

        await using (var producer = new KinesisProducer(client, new KinesisProducerOptions(stream) { Aggregate = true }))
        {
            var result = await producer.PutAsync([.. sent, .. large]);
            result.AllSucceeded.Should().BeTrue();
        }

        var kinesisRecords = (await StreamReading.ReadStreamAsync(client, stream)).Values.SelectMany(r => r).ToList();
        kinesisRecords.Count.Should().BeLessThan(50, "603 records of 5 keys were packed, not sent one per record");
        kinesisRecords.Should().OnlyContain(r => r.Data.Length + Encoding.UTF8.GetByteCount(r.PartitionKey) <= 1024 * 1024);
        var users = kinesisRecords.SelectMany(r => KplAggregate.IsAggregate(r.Data)
            ? KplAggregate.Read(r.Data).Records!.Select(u => (u.PartitionKey, Text: Encoding.UTF8.GetString(u.Data)))
            : [(r.PartitionKey, Text: Encoding.UTF8.GetString(r.Data))]).ToList();
        users.Should().HaveCount(603);
        foreach (var key in new[] { "game-0", "game-1", "game-2", "game-3" })
            users.Where(u => u.PartitionKey == key).Select(u => u.Text)
                .Should().Equal(Enumerable.Range(0, 150).Select(n => $"{key}:{n}"), "a key's records keep their order");
        users.Where(u => u.PartitionKey == "big").Select(u => u.Text[..6]).Should().Equal("big:0:", "big:1:", "big:2:");
        kinesisRecords.Count(r => r.PartitionKey == "big").Should().BeGreaterThanOrEqualTo(2, "two 400 KB records and a third do not fit one record");
    }
}
