// An eventId in 24 bytes instead of a string of ~90: exact, so effectively-once dedupe stays exact.
namespace Basketball.Domain;

/// <summary>
/// An eventId that is a GUID in canonical lower-case form (32 hex digits, or 36 with hyphens) is kept as the
/// GUID and its form: the mapping is one-to-one, because only an id that formats back to exactly itself is
/// stored that way. Every other id (upper case, braces, free text) is kept as its string. Equality and order
/// are therefore those of the original strings' identity: two keys are equal exactly when the ids are.
/// </summary>
public readonly struct EventKey : IEquatable<EventKey>, IComparable<EventKey>
{
    // The form of a GUID key: null for "N" (the common case, no reference), this sentinel for "D".
    private static readonly object Hyphenated = new();

    private readonly Guid _guid;

    // null ("N" GUID), Hyphenated ("D" GUID), or the id itself.
    private readonly object? _form;

    private EventKey(Guid guid, object? form)
    {
        _guid = guid;
        _form = form;
    }

    public static EventKey Of(string eventId)
    {
        if (eventId.Length == 32 && TryCanonical(eventId, "N", out var guid))
            return new EventKey(guid, null);
        if (eventId.Length == 36 && TryCanonical(eventId, "D", out guid))
            return new EventKey(guid, Hyphenated);
        return new EventKey(Guid.Empty, eventId);
    }

    /// <summary>The eventId, exactly as it was given.</summary>
    public override string ToString() => _form switch
    {
        null => _guid.ToString("N"),
        string id => id,
        _ => _guid.ToString("D"),
    };

    public bool Equals(EventKey other) =>
        ReferenceEquals(_form, other._form)
            ? _guid == other._guid
            : _form is string a && other._form is string b && string.Equals(a, b, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is EventKey other && Equals(other);

    public override int GetHashCode() => _form is string id ? string.GetHashCode(id, StringComparison.Ordinal) : _guid.GetHashCode();

    /// <summary>A total order (GUID "N" keys, then "D" keys, then the others by ordinal string order): for sorted sets.</summary>
    public int CompareTo(EventKey other)
    {
        var byKind = Kind.CompareTo(other.Kind);
        if (byKind != 0)
            return byKind;
        return _form is string a ? string.CompareOrdinal(a, (string)other._form!) : _guid.CompareTo(other._guid);
    }

    public static bool operator ==(EventKey left, EventKey right) => left.Equals(right);

    public static bool operator !=(EventKey left, EventKey right) => !left.Equals(right);

    private int Kind => _form switch
    {
        null => 0,
        string => 2,
        _ => 1,
    };

    private static bool TryCanonical(string eventId, string format, out Guid guid)
    {
        if (!Guid.TryParseExact(eventId, format, out guid))
            return false;
        // TryParseExact accepts upper case too; only the form Guid writes back is one-to-one.
        Span<char> written = stackalloc char[36];
        return guid.TryFormat(written, out var length, format) && written[..length].SequenceEqual(eventId);
    }
}
