using System.Text;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

[Collection(KinesaliteCollection.Name)]
public sealed class KinesisRetryTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task Throttled_call_is_retried_until_it_succeeds()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("throttle"), 2);
        var handler = new FaultInjectingHandler().Inject("ListShards", Fault.Throttle(), times: 2);
        using var client = kinesalite.CreateClient(handler);

        var shards = await client.ListShardsAsync(stream);

        shards.Should().HaveCount(2);
        handler.Count("ListShards").Should().Be(3);
    }

    [Fact]
    public async Task An_empty_answer_without_a_length_is_an_empty_answer()
    {
        // Answers are read as a stream when their length is known; one without a length is buffered instead, and an
        // empty one means {} as for a known empty length (not a JSON error that no retry could cure).
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("chunked"), 1);
        var handler = new FaultInjectingHandler().Inject("DeleteStream", new Fault.EmptyAnswerWithoutLength());
        using var client = kinesalite.CreateClient(handler);

        await FluentActions.Awaiting(() => client.DeleteStreamAsync(stream)).Should().NotThrowAsync();
        handler.Count("DeleteStream").Should().Be(1, "answered at the first attempt");
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_record_is_written_once()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("5xx"), 1);
        var handler = new FaultInjectingHandler()
            .Inject("PutRecord", Fault.InternalError())
            .Inject("PutRecord", Fault.Unavailable());
        using var client = kinesalite.CreateClient(handler);

        var put = await client.PutRecordAsync(stream, "k", "once"u8.ToArray());

        handler.Count("PutRecord").Should().Be(3);
        var (records, _) = await StreamReading.ReadShardAsync(client, stream, put.ShardId);
        records.Should().ContainSingle().Which.SequenceNumber.Should().Be(put.SequenceNumber);
    }

    [Fact]
    public async Task Dropped_connections_are_retried_and_the_call_succeeds()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("drop"), 1);
        var handler = new FaultInjectingHandler()
            .Inject("GetShardIterator", new Fault.DropConnection())
            .Inject("GetShardIterator", new Fault.IoFailure());
        using var client = kinesalite.CreateClient(handler);

        var iterator = await client.GetShardIteratorAsync(stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);

        iterator.Should().NotBeNullOrEmpty();
        handler.Count("GetShardIterator").Should().Be(3);
    }

    [Fact]
    public async Task An_attempt_that_never_answers_times_out_and_is_retried()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("hang"), 1);
        var handler = new FaultInjectingHandler().Inject("DescribeStreamSummary", new Fault.Hang());
        using var client = kinesalite.CreateClient(handler, kinesalite.Options with { RequestTimeout = TimeSpan.FromSeconds(2) });

        var summary = await client.DescribeStreamSummaryAsync(stream);

        summary.StreamName.Should().Be(stream);
        handler.Count("DescribeStreamSummary").Should().Be(2);
    }

    [Fact]
    public async Task Expired_iterator_surfaces_as_a_typed_error_without_retrying()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("expired"), 1);
        var handler = new FaultInjectingHandler().Inject("GetRecords", Fault.ExpiredIterator(), times: 5);
        using var client = kinesalite.CreateClient(handler);
        var iterator = await client.GetShardIteratorAsync(stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);

        var read = () => client.GetRecordsAsync(iterator);

        var error = (await read.Should().ThrowAsync<KinesisException>()).Which;
        error.Kind.Should().Be(KinesisErrorKind.ExpiredIterator);
        error.ErrorType.Should().Be("ExpiredIteratorException");
        handler.Count("GetRecords").Should().Be(1);
    }

    [Fact]
    public async Task Resource_not_found_is_not_retried()
    {
        var handler = new FaultInjectingHandler().Inject("DescribeStreamSummary", Fault.NotFound(), times: 5);
        using var client = kinesalite.CreateClient(handler);

        var describe = () => client.DescribeStreamSummaryAsync("whatever");

        (await describe.Should().ThrowAsync<KinesisException>()).Which.Kind.Should().Be(KinesisErrorKind.ResourceNotFound);
        handler.Count("DescribeStreamSummary").Should().Be(1);
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_attempts_surfaces_as_a_typed_error()
    {
        var handler = new FaultInjectingHandler().Inject("ListStreams", Fault.Throttle(), times: 10);
        using var client = kinesalite.CreateClient(handler, kinesalite.Options with { MaxAttempts = 3 });

        var list = () => client.ListStreamsAsync();

        var error = (await list.Should().ThrowAsync<KinesisException>()).Which;
        error.Kind.Should().Be(KinesisErrorKind.ProvisionedThroughputExceeded);
        error.IsRetryable.Should().BeTrue();
        handler.Count("ListStreams").Should().Be(3);
    }

    [Fact]
    public async Task Error_types_with_a_namespace_map_to_their_kind()
    {
        KinesisException.KindOf("com.amazonaws.kinesis.v20131202#ExpiredIteratorException").Should().Be(KinesisErrorKind.ExpiredIterator);
        KinesisException.KindOf("KMSAccessDeniedException").Should().Be(KinesisErrorKind.Kms);
        KinesisException.KindOf("KMSThrottlingException").Should().Be(KinesisErrorKind.KmsThrottling);
        KinesisException.KindOf(null, System.Net.HttpStatusCode.BadGateway).Should().Be(KinesisErrorKind.InternalFailure);
        KinesisException.KindOf("LimitExceededException").Should().Be(KinesisErrorKind.LimitExceeded);
        await Task.CompletedTask;
    }
}
