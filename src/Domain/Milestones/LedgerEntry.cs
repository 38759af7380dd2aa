// One (rule, subject, threshold) of a milestone ledger: how many occurrences were ever issued and which are active.
namespace Basketball.Domain.Milestones;

/// <summary>
/// Immutable. The active occurrences are held without a list while there is at most one (nearly always):
/// the first in a field and only the ones after it in an array.
/// </summary>
public readonly struct LedgerEntry
{
    private readonly int[]? _rest;
    private readonly int _first;

    public LedgerEntry(string rule, string subject, int threshold, int issued, IReadOnlyList<int>? active = null)
        : this(rule, subject, threshold, issued, active?.Count ?? 0, active is { Count: > 0 } ? active[0] : 0,
            active is { Count: > 1 } ? active.Skip(1).ToArray() : null)
    {
    }

    private LedgerEntry(string rule, string subject, int threshold, int issued, int count, int first, int[]? rest)
    {
        Rule = rule;
        Subject = subject;
        Threshold = threshold;
        Issued = issued;
        ActiveCount = count;
        _first = first;
        _rest = rest;
    }

    public string Rule { get; }

    public string Subject { get; }

    public int Threshold { get; }

    /// <summary>Occurrences ever fired; never decreases, so a re-crossing gets a new milestoneId.</summary>
    public int Issued { get; }

    public int ActiveCount { get; }

    /// <summary>Occurrence numbers fired and not revoked, oldest first.</summary>
    public IReadOnlyList<int> Active => Enumerable.Range(0, ActiveCount).Select(ActiveAt).ToArray();

    public int ActiveAt(int index) => index == 0 ? _first : _rest![index - 1];

    /// <summary>The entry after <paramref name="occurrence"/> fired: appended, and counted as issued.</summary>
    public LedgerEntry WithFired(int occurrence)
    {
        var issued = Math.Max(Issued, occurrence);
        return ActiveCount == 0
            ? new LedgerEntry(Rule, Subject, Threshold, issued, 1, occurrence, null)
            : new LedgerEntry(Rule, Subject, Threshold, issued, ActiveCount + 1, _first, [.. _rest ?? [], occurrence]);
    }

    /// <summary>The entry after <paramref name="occurrence"/> was revoked (the oldest active one of that number; none, no change).</summary>
    public LedgerEntry WithRevoked(int occurrence)
    {
        var active = Active.ToList();
        return active.Remove(occurrence) ? new LedgerEntry(Rule, Subject, Threshold, Issued, active) : this;
    }
}
