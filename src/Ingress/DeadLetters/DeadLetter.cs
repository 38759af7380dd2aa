// A record the stream could not apply (SPEC §4.4), kept with its raw bytes so it can be inspected and replayed.
// Serializes as the GET /api/deadletters item of SPEC §8; Data is written as base64 by System.Text.Json.
using System.Text.Json.Serialization;

namespace Basketball.Ingress.DeadLetters;

/// <param name="Reason">A SPEC §4.4 reason code, e.g. <c>malformed_json</c>.</param>
/// <param name="ShardId">Null for records that never came from a Kinesis shard.</param>
/// <param name="SequenceNumber">Null exactly when <paramref name="ShardId"/> is null.</param>
/// <param name="SubSequenceNumber">For a user record of a KPL aggregated record: its place in the aggregate (0, 1, …);
/// its <paramref name="Data"/> and <paramref name="PartitionKey"/> are then the user record's own.</param>
public sealed record DeadLetter(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("eventId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EventId,
    [property: JsonPropertyName("aggregateId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AggregateId,
    [property: JsonPropertyName("partitionKey")] string PartitionKey,
    [property: JsonPropertyName("shardId")] string? ShardId,
    [property: JsonPropertyName("sequenceNumber")] string? SequenceNumber,
    [property: JsonPropertyName("data")] byte[] Data,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("subSequenceNumber"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SubSequenceNumber = null)
{
    // Records compare by value, and Data is an array: compare its bytes, not its reference.
    public bool Equals(DeadLetter? other) =>
        other is not null
        && Reason == other.Reason && Message == other.Message && EventId == other.EventId
        && AggregateId == other.AggregateId && PartitionKey == other.PartitionKey && ShardId == other.ShardId
        && SequenceNumber == other.SequenceNumber && SubSequenceNumber == other.SubSequenceNumber && ReceivedAt == other.ReceivedAt
        && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Reason, EventId, ShardId, SequenceNumber, ReceivedAt, Data.Length);
}

/// <summary>Source-generated JSON for dead letters (the HTTP API and the CLI's <c>--json</c>).</summary>
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetter>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
public sealed partial class DeadLetterJsonContext : JsonSerializerContext;
