// The Kinesis JSON 1.1 shapes the client returns. Names match the wire (PascalCase); Data is base64 on the wire
// and bytes here; timestamps are epoch seconds on the wire.
namespace Basketball.Kinesis;

public enum ShardIteratorType
{
    TrimHorizon,
    Latest,
    AtSequenceNumber,
    AfterSequenceNumber,
    AtTimestamp,
}

public sealed record HashKeyRange
{
    public required string StartingHashKey { get; init; }
    public required string EndingHashKey { get; init; }
}

public sealed record SequenceNumberRange
{
    public required string StartingSequenceNumber { get; init; }
    /// <summary>Set once the shard is closed (split or merged); null while it is open.</summary>
    public string? EndingSequenceNumber { get; init; }
}

public sealed record Shard
{
    public required string ShardId { get; init; }
    public string? ParentShardId { get; init; }
    public string? AdjacentParentShardId { get; init; }
    public required HashKeyRange HashKeyRange { get; init; }
    public required SequenceNumberRange SequenceNumberRange { get; init; }

    public bool IsOpen => SequenceNumberRange.EndingSequenceNumber is null;
}

public sealed record StreamDescription
{
    public required string StreamName { get; init; }
    public string? StreamARN { get; init; }
    public required string StreamStatus { get; init; }
    public IReadOnlyList<Shard> Shards { get; init; } = [];
    public bool HasMoreShards { get; init; }
    public int RetentionPeriodHours { get; init; }
    public DateTimeOffset? StreamCreationTimestamp { get; init; }
}

public sealed record StreamDescriptionSummary
{
    public required string StreamName { get; init; }
    public string? StreamARN { get; init; }
    public required string StreamStatus { get; init; }
    public int RetentionPeriodHours { get; init; }
    public DateTimeOffset? StreamCreationTimestamp { get; init; }
    public int OpenShardCount { get; init; }
}

public sealed record KinesisRecord
{
    public required string SequenceNumber { get; init; }
    public required string PartitionKey { get; init; }
    public byte[] Data { get; init; } = [];
    public DateTimeOffset? ApproximateArrivalTimestamp { get; init; }

    public SequenceNumber Sequence => new(SequenceNumber);
}

public sealed record ChildShard
{
    public required string ShardId { get; init; }
    public IReadOnlyList<string> ParentShards { get; init; } = [];
    public HashKeyRange? HashKeyRange { get; init; }
}

public sealed record GetRecordsResponse
{
    public IReadOnlyList<KinesisRecord> Records { get; init; } = [];
    /// <summary>Null when the shard is closed and fully read (shard end).</summary>
    public string? NextShardIterator { get; init; }
    public long? MillisBehindLatest { get; init; }
    /// <summary>Only at shard end on AWS; kinesalite never sends it (use ListShards parent ids).</summary>
    public IReadOnlyList<ChildShard>? ChildShards { get; init; }

    public bool IsShardEnd => NextShardIterator is null;
}

public sealed record PutRecordResponse
{
    public required string ShardId { get; init; }
    public required string SequenceNumber { get; init; }
}

public sealed record PutRecordsResultEntry
{
    public string? SequenceNumber { get; init; }
    public string? ShardId { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }

    public bool Succeeded => ErrorCode is null && SequenceNumber is not null;
}

public sealed record PutRecordsResponse
{
    public int FailedRecordCount { get; init; }
    public IReadOnlyList<PutRecordsResultEntry> Records { get; init; } = [];
}

/// <summary>One record of a PutRecords request.</summary>
public sealed record PutRecordsEntry(string PartitionKey, ReadOnlyMemory<byte> Data, string? ExplicitHashKey = null);
