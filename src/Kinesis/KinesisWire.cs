// Request and error bodies as sent on the wire, and the source-generated System.Text.Json context for all shapes.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Basketball.Kinesis;

internal sealed record CreateStreamRequest(string StreamName, int ShardCount);
internal sealed record StreamNameRequest(string StreamName);
internal sealed record DeleteStreamRequest(string StreamName, bool? EnforceConsumerDeletion);
internal sealed record ListShardsRequest(string StreamName, string? ExclusiveStartShardId, int? MaxResults);
internal sealed record ListShardsResponse(IReadOnlyList<Shard>? Shards, string? NextToken);
internal sealed record DescribeStreamRequest(string StreamName, string? ExclusiveStartShardId, int? Limit);
internal sealed record DescribeStreamResponse(StreamDescription StreamDescription);
internal sealed record DescribeStreamSummaryResponse(StreamDescriptionSummary StreamDescriptionSummary);
internal sealed record ListStreamsRequest(int? Limit, string? ExclusiveStartStreamName);
internal sealed record ListStreamsResponse(IReadOnlyList<string>? StreamNames, bool HasMoreStreams);
internal sealed record GetShardIteratorRequest(
    string StreamName, string ShardId, string ShardIteratorType, string? StartingSequenceNumber, DateTimeOffset? Timestamp);
internal sealed record GetShardIteratorResponse(string ShardIterator);
internal sealed record GetRecordsRequest(string ShardIterator, int? Limit);
internal sealed record PutRecordRequest(
    string StreamName, ReadOnlyMemory<byte> Data, string PartitionKey, string? ExplicitHashKey, string? SequenceNumberForOrdering);
internal sealed record PutRecordsRequestEntry(ReadOnlyMemory<byte> Data, string PartitionKey, string? ExplicitHashKey);
internal sealed record PutRecordsRequest(string StreamName, IReadOnlyList<PutRecordsRequestEntry> Records);
internal sealed record SplitShardRequest(string StreamName, string ShardToSplit, string NewStartingHashKey);
internal sealed record MergeShardsRequest(string StreamName, string ShardToMerge, string AdjacentShardToMerge);
internal sealed record EmptyResponse;

internal sealed record ErrorBody
{
    [JsonPropertyName("__type")] public string? Type { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("Message")] public string? MessageUpper { get; init; }
}

/// <summary>Kinesis timestamps are seconds since the epoch as a JSON number (fractional milliseconds allowed).</summary>
internal sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString()!;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }
        throw new JsonException($"Expected a timestamp, found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(StreamNameRequest))]
[JsonSerializable(typeof(DeleteStreamRequest))]
[JsonSerializable(typeof(ListShardsRequest))]
[JsonSerializable(typeof(ListShardsResponse))]
[JsonSerializable(typeof(DescribeStreamRequest))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(DescribeStreamSummaryResponse))]
[JsonSerializable(typeof(ListStreamsRequest))]
[JsonSerializable(typeof(ListStreamsResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(PutRecordRequest))]
[JsonSerializable(typeof(PutRecordResponse))]
[JsonSerializable(typeof(PutRecordsRequest))]
[JsonSerializable(typeof(PutRecordsResponse))]
[JsonSerializable(typeof(SplitShardRequest))]
[JsonSerializable(typeof(MergeShardsRequest))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class KinesisJsonContext : JsonSerializerContext;
