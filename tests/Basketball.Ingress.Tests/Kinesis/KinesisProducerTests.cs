using System.Numerics;
using System.Text;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

[Collection(KinesaliteCollection.Name)]
public sealed class KinesisProducerTests(KinesaliteFixture kinesalite)
{
    private static KinesisProducerOptions FastRetries(string stream) => new(stream)
    {
        BaseRetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    // "key:n" for n = 0.. per key, keys interleaved round-robin.
    private static List<(string PartitionKey, ReadOnlyMemory<byte> Data)> Records(int keys, int count, string prefix = "game")
    {
        var next = new int[keys];
        return Enumerable.Range(0, count).Select(i =>
        {
            var k = i % keys;
            var key = $"{prefix}-{k:D3}";
            return (key, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{key}:{next[k]++}"));
        }).ToList();
    }

    private static (string Key, int N) Parse(KinesisRecord record)
    {
        var text = Encoding.UTF8.GetString(record.Data);
        var colon = text.LastIndexOf(':');
        return (text[..colon], int.Parse(text[(colon + 1)..]));
    }

    // Every record exactly once; per shard, sequence numbers strictly increase; per key, n = 0, 1, 2, … in order.
    private static void AssertExactlyOnceInKeyOrder(Dictionary<string, List<KinesisRecord>> byShard, List<(string PartitionKey, ReadOnlyMemory<byte> Data)> sent)
    {
        var all = byShard.Values.SelectMany(r => r).ToList();
        all.Select(r => Encoding.UTF8.GetString(r.Data)).Should().BeEquivalentTo(sent.Select(s => Encoding.UTF8.GetString(s.Data.Span)),
            "every record is in the stream exactly once");

        foreach (var (shard, records) in byShard)
        {
            for (var i = 1; i < records.Count; i++)
            {
                BigInteger.Parse(records[i].SequenceNumber).Should().BeGreaterThan(BigInteger.Parse(records[i - 1].SequenceNumber),
                    $"sequence numbers increase within {shard}");
                records[i].Sequence.Should().BeGreaterThan(records[i - 1].Sequence);
            }

            foreach (var group in records.Select(Parse).GroupBy(r => r.Key))
                group.Select(r => r.N).Should().BeInAscendingOrder($"key {group.Key} keeps its order in {shard}");
        }

        foreach (var group in all.GroupBy(r => r.PartitionKey))
            byShard.Count(s => s.Value.Any(r => r.PartitionKey == group.Key)).Should().Be(1, "without resharding a key lives in one shard");
    }

    [Fact]
    public async Task Thousand_records_are_written_and_read_back_in_key_order_across_four_shards()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("thousand"), 4);
        using var client = kinesalite.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
        var sent = Records(keys: 40, count: 1000);

        var result = await producer.PutAsync(sent, CancellationToken.None);

        result.AllSucceeded.Should().BeTrue();
        result.Records.Select(r => r.Index).Should().Equal(Enumerable.Range(0, 1000));
        foreach (var group in result.Records.GroupBy(r => r.PartitionKey))
            group.Select(r => new SequenceNumber(r.SequenceNumber!)).Should().BeInAscendingOrder();

        var byShard = await StreamReading.ReadStreamAsync(client, stream);
        byShard.Should().HaveCount(4);
        byShard.Values.Count(r => r.Count > 0).Should().BeGreaterThan(1, "40 keys spread over several shards");
        AssertExactlyOnceInKeyOrder(byShard, sent);
    }

    [Fact]
    public async Task Partial_put_failures_are_retried_so_every_record_lands_once_in_key_order()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("partial"), 4);
        var seen = 0;
        // In each of the first 12 PutRecords calls, fail every third record (counting across calls, so which
        // positions fail shifts from call to call).
        var handler = new FaultInjectingHandler().Inject("PutRecords",
            new Fault.PartialPutRecords((_, _) => Interlocked.Increment(ref seen) % 3 == 0), times: 12);
        using var client = kinesalite.CreateClient(handler);
        await using var producer = new KinesisProducer(client, FastRetries(stream) with { MaxConcurrentRequests = 1 });
        var sent = Records(keys: 25, count: 400);

        var result = await producer.PutAsync(sent, CancellationToken.None);

        result.AllSucceeded.Should().BeTrue();
        handler.PendingFaults("PutRecords").Should().Be(0, "all injected partial failures were used");
        result.Records.Should().Contain(r => r.Attempts > 1, "some records needed another attempt");
        AssertExactlyOnceInKeyOrder(await StreamReading.ReadStreamAsync(client, stream), sent);
    }

    [Fact]
    public async Task A_later_call_never_overtakes_an_earlier_calls_failed_record_of_the_same_key()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("calls"), 1);
        var seen = 0;
        var handler = new FaultInjectingHandler().Inject("PutRecords",
            new Fault.PartialPutRecords((_, key) => key == "k" && Interlocked.Increment(ref seen) % 2 == 1), times: 20);
        using var client = kinesalite.CreateClient(handler);
        await using var producer = new KinesisProducer(client, FastRetries(stream));
        List<(string, ReadOnlyMemory<byte>)> Call(string name) =>
            Enumerable.Range(0, 10).Select(i => ("k", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{name}{i}"))).ToList();

        var first = producer.PutAsync(Call("a"), CancellationToken.None);
        var second = producer.PutAsync(Call("b"), CancellationToken.None);
        var results = await Task.WhenAll(first, second);

        results.Should().OnlyContain(r => r.AllSucceeded);
        results[0].Records.Should().Contain(r => r.Attempts > 1);
        var inStream = (await StreamReading.ReadStreamAsync(client, stream)).Values.Single();
        inStream.Select(r => Encoding.UTF8.GetString(r.Data)).Should()
            .Equal(Enumerable.Range(0, 10).Select(i => $"a{i}").Concat(Enumerable.Range(0, 10).Select(i => $"b{i}")));
    }

    [Fact]
    public async Task Cancelled_call_sends_nothing_it_had_not_sent_yet()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("cancel"), 1);
        var handler = new FaultInjectingHandler().Inject("PutRecords", new Fault.Hang());
        // Long enough that the hung attempt cannot time out (and be retried, letting "second" through) before the
        // cancel below, on a loaded machine; the cancel ends the hang at once.
        using var client = kinesalite.CreateClient(handler, kinesalite.Options with { RequestTimeout = TimeSpan.FromSeconds(10) });
        await using var producer = new KinesisProducer(client, FastRetries(stream));
        using var cancel = new CancellationTokenSource();

        // The first record hangs in flight; the second waits behind it (same key) and is cancelled there.
        var put = producer.PutAsync([("k", "first"u8.ToArray()), ("k", "second"u8.ToArray())], cancel.Token);
        await Eventually.Until(() => handler.Count("PutRecords") > 0, TimeSpan.FromSeconds(10), "the first record's PutRecords is in flight");
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => put).Should().ThrowAsync<OperationCanceledException>();
        var after = await producer.PutAsync([("other", "x"u8.ToArray())], CancellationToken.None);
        after.AllSucceeded.Should().BeTrue();
        var inStream = (await StreamReading.ReadStreamAsync(client, stream)).Values.Single().Select(r => Encoding.UTF8.GetString(r.Data));
        inStream.Should().NotContain("second");
    }

    [Fact]
    public async Task A_record_given_up_fails_the_records_of_its_key_behind_it_and_other_keys_go_on()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("doomed"), 2);
        var handler = new FaultInjectingHandler().Inject("PutRecords",
            new Fault.PartialPutRecords((_, key) => key == "doomed"), times: 1000);
        using var client = kinesalite.CreateClient(handler);
        await using var producer = new KinesisProducer(client, FastRetries(stream) with { MaxAttemptsPerRecord = 3 });
        var sent = Enumerable.Range(0, 4)
            .SelectMany(i => new[] { ("doomed", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"doomed:{i}")), ("fine", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"fine:{i}")) })
            .ToList();

        var result = await producer.PutAsync(sent, CancellationToken.None);

        var doomed = result.Records.Where(r => r.PartitionKey == "doomed").ToList();
        doomed[0].ErrorCode.Should().Be("ProvisionedThroughputExceededException");
        doomed[0].Attempts.Should().Be(3);
        doomed.Skip(1).Should().OnlyContain(r => r.ErrorCode == ProducerErrorCodes.PrecedingRecordFailed);
        result.Records.Where(r => r.PartitionKey == "fine").Should().OnlyContain(r => r.Succeeded);
        var inStream = (await StreamReading.ReadStreamAsync(client, stream)).Values.SelectMany(r => r).ToList();
        inStream.Select(r => Encoding.UTF8.GetString(r.Data)).Should().Equal("fine:0", "fine:1", "fine:2", "fine:3");
    }

    [Fact]
    public async Task Oversize_record_is_rejected_to_the_caller_and_never_sent()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("oversize"), 1);
        var handler = new FaultInjectingHandler();
        using var client = kinesalite.CreateClient(handler);
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));

        var result = await producer.PutAsync(
        [
            ("big", new byte[1024 * 1024]),
            ("small", "ok"u8.ToArray()),
            (new string('k', 257), "bad key"u8.ToArray()),
        ], CancellationToken.None);

        result.Records[0].ErrorCode.Should().Be(ProducerErrorCodes.RecordTooLarge);
        result.Records[0].ErrorMessage.Should().Contain("1048576");
        result.Records[0].Attempts.Should().Be(0);
        result.Records[1].Succeeded.Should().BeTrue();
        result.Records[2].ErrorCode.Should().Be(ProducerErrorCodes.InvalidPartitionKey);
        var inStream = (await StreamReading.ReadStreamAsync(client, stream)).Values.SelectMany(r => r).ToList();
        inStream.Should().ContainSingle().Which.PartitionKey.Should().Be("small");
    }

    [Fact]
    public async Task Records_near_the_byte_limit_are_split_over_requests_of_at_most_five_mebibytes()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("bytes"), 2);
        var handler = new FaultInjectingHandler();
        using var client = kinesalite.CreateClient(handler);
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream) { MaxConcurrentRequests = 1 });
        var sent = Enumerable.Range(0, 12)
            .Select(i => ($"key-{i}", (ReadOnlyMemory<byte>)new byte[900 * 1024]))
            .ToList();

        var result = await producer.PutAsync(sent, CancellationToken.None);

        result.AllSucceeded.Should().BeTrue();
        handler.Count("PutRecords").Should().BeGreaterThanOrEqualTo(3, "12 × 900 KiB needs at least three 5 MiB requests");
    }

    [Fact]
    public async Task Whole_request_failures_are_retried_by_the_client_and_the_producer()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("whole"), 2);
        var handler = new FaultInjectingHandler()
            .Inject("PutRecords", Fault.Throttle(), times: 4)
            .Inject("PutRecords", new Fault.DropConnection());
        using var client = kinesalite.CreateClient(handler, kinesalite.Options with { MaxAttempts = 2 });
        await using var producer = new KinesisProducer(client, FastRetries(stream));
        var sent = Records(keys: 5, count: 30);

        var result = await producer.PutAsync(sent, CancellationToken.None);

        result.AllSucceeded.Should().BeTrue();
        AssertExactlyOnceInKeyOrder(await StreamReading.ReadStreamAsync(client, stream), sent);
    }
}
