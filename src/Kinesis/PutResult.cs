// What KinesisProducer.PutAsync answers: one outcome per record, in the caller's order.
namespace Basketball.Kinesis;

public sealed record PutRecordOutcome(
    int Index,
    string PartitionKey,
    string? ShardId,
    string? SequenceNumber,
    string? ErrorCode,
    string? ErrorMessage,
    int Attempts)
{
    public bool Succeeded => ErrorCode is null && SequenceNumber is not null;
}

public sealed record PutResult(IReadOnlyList<PutRecordOutcome> Records)
{
    public int SucceededCount => Records.Count(r => r.Succeeded);
    public int FailedCount => Records.Count - SucceededCount;
    public bool AllSucceeded => FailedCount == 0;
}

/// <summary>Error codes the producer itself gives (besides Kinesis's own, e.g. ProvisionedThroughputExceededException).</summary>
public static class ProducerErrorCodes
{
    /// <summary>Data plus partition key over the 1 MiB record limit: rejected, never sent.</summary>
    public const string RecordTooLarge = KinesisRecordLimits.RecordTooLarge;
    /// <summary>Empty partition key, or longer than 256 characters: rejected, never sent.</summary>
    public const string InvalidPartitionKey = KinesisRecordLimits.InvalidPartitionKey;
    /// <summary>An earlier record of the same partition key was given up, so this one is not sent (order).</summary>
    public const string PrecedingRecordFailed = "PrecedingRecordFailed";
    /// <summary>The caller cancelled before the record was sent.</summary>
    public const string Cancelled = "Cancelled";
    /// <summary>The producer was disposed before the record was accepted.</summary>
    public const string ProducerStopped = "ProducerStopped";
}
