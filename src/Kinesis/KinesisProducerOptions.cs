// Settings of the batching producer; the request limits themselves come from KinesisOptions.
namespace Basketball.Kinesis;

public sealed record KinesisProducerOptions(string StreamName)
{
    /// <summary>Attempts per record across partial failures before it (and its key's queued successors) fail.</summary>
    public int MaxAttemptsPerRecord { get; init; } = 10;
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>PutRecords calls in flight at once (their partition keys never overlap).</summary>
    public int MaxConcurrentRequests { get; init; } = 4;
    /// <summary>
    /// Pack a key's waiting records into one KPL aggregated record per call (off by default: a stream read by
    /// consumers outside the project, the milestones output, stays one event per record; the node and the
    /// simulator turn it on for the input stream, which the project's own consumer de-aggregates).
    /// </summary>
    public bool Aggregate { get; init; }
    /// <summary>User records in one aggregate at most (the 1 MiB record limit applies as well).</summary>
    public int MaxRecordsPerAggregate { get; init; } = 500;
}
