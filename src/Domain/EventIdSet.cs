// The effectively-once memory of an entity: every eventId it applied, 24 bytes each, immutable.
using System.Collections;

namespace Basketball.Domain;

/// <summary>
/// An immutable set of <see cref="EventKey"/>s kept as a few sorted arrays whose lengths follow a binary counter
/// (a log-structured merge): adding a key merges the arrays it carries into, so an add costs O(log n) amortized
/// and a lookup O(log² n), while the set costs 24 bytes per key plus one array header per level, against ~60 bytes
/// of tree node per key (and the id string) in an ImmutableHashSet. Arrays are never written after they are built,
/// so versions of the set share them safely.
/// </summary>
public sealed class EventIdSet : IReadOnlyCollection<EventKey>
{
    public static EventIdSet Empty { get; } = new([], 0);

    // Largest first; disjoint; each sorted by EventKey.CompareTo.
    private readonly EventKey[][] _levels;

    private EventIdSet(EventKey[][] levels, int count)
    {
        _levels = levels;
        Count = count;
    }

    public int Count { get; }

    public bool Contains(string eventId) => Contains(EventKey.Of(eventId));

    public bool Contains(EventKey key)
    {
        foreach (var level in _levels)
        {
            if (Array.BinarySearch(level, key) >= 0)
                return true;
        }
        return false;
    }

    public EventIdSet Add(string eventId) => Add(EventKey.Of(eventId));

    public EventIdSet Add(EventKey key)
    {
        if (Contains(key))
            return this;
        EventKey[] carry = [key];
        var kept = _levels.Length;
        while (kept > 0 && _levels[kept - 1].Length <= carry.Length)
            carry = Merge(_levels[--kept], carry);
        var levels = new EventKey[kept + 1][];
        Array.Copy(_levels, levels, kept);
        levels[kept] = carry;
        return new EventIdSet(levels, Count + 1);
    }

    /// <summary>A set of <paramref name="keys"/> in one sorted array (restoring a snapshot: one sort, no merges).</summary>
    public static EventIdSet Of(IEnumerable<EventKey> keys)
    {
        var sorted = keys.ToArray();
        Array.Sort(sorted);
        var distinct = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1])
                sorted[distinct++] = sorted[i];
        }
        if (distinct == 0)
            return Empty;
        Array.Resize(ref sorted, distinct);
        return new EventIdSet([sorted], distinct);
    }

    public static EventIdSet Of(IEnumerable<string> eventIds) => Of(eventIds.Select(EventKey.Of));

    public IEnumerator<EventKey> GetEnumerator()
    {
        foreach (var level in _levels)
        {
            foreach (var key in level)
                yield return key;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static EventKey[] Merge(EventKey[] a, EventKey[] b)
    {
        var merged = new EventKey[a.Length + b.Length];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Length)
            merged[k++] = a[i].CompareTo(b[j]) <= 0 ? a[i++] : b[j++];
        while (i < a.Length)
            merged[k++] = a[i++];
        while (j < b.Length)
            merged[k++] = b[j++];
        return merged;
    }
}
