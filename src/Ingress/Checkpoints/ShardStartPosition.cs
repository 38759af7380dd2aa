// Where a shard reader starts when its shard has no checkpoint: the configured default, or what an operator
// asked for with `ingress reset -s shard --to TRIM_HORIZON|LATEST|AT_TIMESTAMP:iso` (SPEC §9).
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Basketball.Ingress.Checkpoints;

public enum ShardStartKind
{
    TrimHorizon,
    Latest,
    AtTimestamp,
}

public sealed record ShardStartPosition
{
    private ShardStartPosition(ShardStartKind kind, DateTimeOffset? timestamp)
    {
        Kind = kind;
        Timestamp = timestamp;
    }

    public static ShardStartPosition TrimHorizon { get; } = new(ShardStartKind.TrimHorizon, null);
    public static ShardStartPosition Latest { get; } = new(ShardStartKind.Latest, null);
    public static ShardStartPosition AtTimestamp(DateTimeOffset timestamp) => new(ShardStartKind.AtTimestamp, timestamp);

    public ShardStartKind Kind { get; }

    /// <summary>Set only for <see cref="ShardStartKind.AtTimestamp"/>.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The Kinesis <c>ShardIteratorType</c> for this position.</summary>
    public string IteratorType => Kind switch
    {
        ShardStartKind.TrimHorizon => "TRIM_HORIZON",
        ShardStartKind.Latest => "LATEST",
        _ => "AT_TIMESTAMP",
    };

    /// <summary>The operator's spelling: <c>TRIM_HORIZON</c>, <c>LATEST</c> or <c>AT_TIMESTAMP:2024-01-01T00:00:00.0000000+00:00</c>.</summary>
    public override string ToString() => Kind == ShardStartKind.AtTimestamp
        ? $"AT_TIMESTAMP:{Timestamp!.Value.ToString("O", CultureInfo.InvariantCulture)}"
        : IteratorType;

    /// <exception cref="FormatException">Not one of the three spellings.</exception>
    public static ShardStartPosition Parse(string value) =>
        TryParse(value, out var position)
            ? position
            : throw new FormatException($"'{value}' is not a start position: use TRIM_HORIZON, LATEST or AT_TIMESTAMP:<ISO-8601 time with offset>.");

    public static bool TryParse(string? value, [NotNullWhen(true)] out ShardStartPosition? position)
    {
        position = null;
        if (string.IsNullOrWhiteSpace(value))
            return false;
        var text = value.Trim();
        if (text.Equals("TRIM_HORIZON", StringComparison.OrdinalIgnoreCase))
            position = TrimHorizon;
        else if (text.Equals("LATEST", StringComparison.OrdinalIgnoreCase))
            position = Latest;
        else if (text.StartsWith("AT_TIMESTAMP:", StringComparison.OrdinalIgnoreCase)
                 && DateTimeOffset.TryParse(text["AT_TIMESTAMP:".Length..], CultureInfo.InvariantCulture,
                     DateTimeStyles.AssumeUniversal, out var timestamp))
            position = AtTimestamp(timestamp);
        return position is not null;
    }
}
