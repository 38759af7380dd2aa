// Sequence-number helpers the checkpoint store needs beyond comparison: validation and the fixed-width SQL
// sort key. Comparison itself lives in one place, Kinesis/SequenceNumber.cs ("9" < "10": big integers).
using Basketball.Kinesis;

namespace Basketball.Ingress.Checkpoints;

internal static class KinesisSequence
{
    /// <summary>The widest sequence number the Kinesis API allows (pattern <c>0|([1-9]\d{0,128})</c>).</summary>
    public const int MaxDigits = 129;

    /// <summary>Compares two sequence numbers numerically (see <see cref="SequenceNumber"/>).</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Math.Sign(new SequenceNumber(a).CompareTo(new SequenceNumber(b)));
    }

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxDigits)
            return false;
        foreach (var c in value)
            if (c is < '0' or > '9')
                return false;
        return true;
    }

    /// <exception cref="ArgumentException">The value is not a decimal sequence number.</exception>
    public static string Validate(string? value, string parameterName)
    {
        if (!IsValid(value))
            throw new ArgumentException($"'{value}' is not a Kinesis sequence number (1..{MaxDigits} decimal digits).", parameterName);
        return value!;
    }

    /// <summary>
    /// A fixed-width, zero-padded form whose byte-wise text order equals the numeric order, so that SQL can
    /// compare sequence numbers in one conditional UPDATE.
    /// </summary>
    public static string ToSortKey(string value)
    {
        var trimmed = value.AsSpan().TrimStart('0');
        return new string('0', MaxDigits - trimmed.Length) + trimmed.ToString();
    }

    public static string Max(string a, string b) => Compare(a, b) >= 0 ? a : b;
}
