// Where a shard reader starts: after its checkpoint, or at a configured position when it has none.
using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Consumer;

public enum ShardPositionKind
{
    TrimHorizon,
    Latest,
    AtTimestamp,
    AfterSequenceNumber,
}

public sealed record ShardPosition(ShardPositionKind Kind, string? SequenceNumber = null, DateTimeOffset? Timestamp = null)
{
    public static ShardPosition TrimHorizon { get; } = new(ShardPositionKind.TrimHorizon);

    public static ShardPosition Latest { get; } = new(ShardPositionKind.Latest);

    public static ShardPosition After(string sequenceNumber) => new(ShardPositionKind.AfterSequenceNumber, sequenceNumber);

    /// <summary>The iterator start for a configured or operator-requested start position.</summary>
    public static ShardPosition From(ShardStartPosition start) => start.Kind switch
    {
        ShardStartKind.Latest => Latest,
        ShardStartKind.AtTimestamp => new ShardPosition(ShardPositionKind.AtTimestamp, Timestamp: start.Timestamp),
        _ => TrimHorizon,
    };

    public override string ToString() => Kind switch
    {
        ShardPositionKind.TrimHorizon => "TRIM_HORIZON",
        ShardPositionKind.Latest => "LATEST",
        ShardPositionKind.AtTimestamp => $"AT_TIMESTAMP:{Timestamp:O}",
        _ => $"AFTER_SEQUENCE_NUMBER:{SequenceNumber}",
    };
}
