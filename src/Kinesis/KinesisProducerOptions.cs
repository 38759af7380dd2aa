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
}
