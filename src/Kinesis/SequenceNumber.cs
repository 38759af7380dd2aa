// A Kinesis sequence number: a decimal string of up to 128 digits that orders records within a shard.
// It must be compared as a number — "9" < "10" — never as a plain string.
using System.Numerics;

namespace Basketball.Kinesis;

/// <summary>
/// A shard's sequence number. Compares numerically (length of the digits without leading zeros first, then
/// ordinal), which is exact for any length and needs no allocation.
/// </summary>
public readonly record struct SequenceNumber(string Value) : IComparable<SequenceNumber>, IComparable
{
    public static SequenceNumber Parse(string value) =>
        TryParse(value, out var parsed)
            ? parsed
            : throw new FormatException($"'{value}' is not a Kinesis sequence number (decimal digits only).");

    public static bool TryParse(string? value, out SequenceNumber sequenceNumber)
    {
        sequenceNumber = default;
        if (string.IsNullOrEmpty(value) || value.Length > 256) return false;
        foreach (var c in value)
            if (c is < '0' or > '9') return false;
        sequenceNumber = new SequenceNumber(value);
        return true;
    }

    public BigInteger ToBigInteger() => BigInteger.Parse(Value ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    public int CompareTo(SequenceNumber other)
    {
        var a = Significant(Value);
        var b = Significant(other.Value);
        if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        return a.CompareTo(b, StringComparison.Ordinal);
    }

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        SequenceNumber other => CompareTo(other),
        _ => throw new ArgumentException($"Cannot compare a {nameof(SequenceNumber)} with {obj.GetType().Name}.")
    };

    // Equality follows the numeric value too, so "007" == "7" (records compare with ==, dictionaries hash).
    public bool Equals(SequenceNumber other) => CompareTo(other) == 0;

    public override int GetHashCode() => string.GetHashCode(Significant(Value), StringComparison.Ordinal);

    public override string ToString() => Value ?? string.Empty;

    public static bool operator <(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) < 0;
    public static bool operator >(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) > 0;
    public static bool operator <=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) <= 0;
    public static bool operator >=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) >= 0;

    public static SequenceNumber Max(SequenceNumber left, SequenceNumber right) => left >= right ? left : right;

    private static ReadOnlySpan<char> Significant(string? value)
    {
        var span = (value ?? string.Empty).AsSpan().TrimStart('0');
        return span;
    }
}
