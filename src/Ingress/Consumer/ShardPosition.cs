// Where a shard reader starts: after its checkpoint, or at a configured position when it has none.
namespace Akka.Basketball.Ingress.Consumer;

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

    /// <summary>Parses TRIM_HORIZON | LATEST | AT_TIMESTAMP:iso (the `ingress reset --to` and config syntax).</summary>
    public static ShardPosition Parse(string text)
    {
        var value = text.Trim();
        if (value.Equals("TRIM_HORIZON", StringComparison.OrdinalIgnoreCase))
            return TrimHorizon;
        if (value.Equals("LATEST", StringComparison.OrdinalIgnoreCase))
            return Latest;
        if (value.StartsWith("AT_TIMESTAMP:", StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(value["AT_TIMESTAMP:".Length..], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.RoundtripKind, out var at))
            return new ShardPosition(ShardPositionKind.AtTimestamp, Timestamp: at);
        throw new FormatException($"'{text}' is not a shard position: use TRIM_HORIZON, LATEST or AT_TIMESTAMP:<ISO-8601>.");
    }

    public override string ToString() => Kind switch
    {
        ShardPositionKind.TrimHorizon => "TRIM_HORIZON",
        ShardPositionKind.Latest => "LATEST",
        ShardPositionKind.AtTimestamp => $"AT_TIMESTAMP:{Timestamp:O}",
        _ => $"AFTER_SEQUENCE_NUMBER:{SequenceNumber}",
    };
}
