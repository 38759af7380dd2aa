// The one mechanism behind every milestone rule: compare how often a condition holds now with the
// occurrences still active, fire the missing ones (occurrence + 1), revoke the surplus (newest first).
using System.Collections.Immutable;
using System.Globalization;

namespace Basketball.Domain.Milestones;

/// <summary>How often one (rule, subject, threshold) condition holds right now, and the value to report.</summary>
public sealed record MilestoneCondition(string Rule, string Subject, int Threshold, int Holds, int Value, string? GameId)
{
    public string Key => MilestoneLedger.KeyOf(Rule, Subject, Threshold);
}

/// <summary>
/// The ledger as entries in one array sorted by <see cref="MilestoneLedger.KeyOf"/> in ordinal order, compared
/// without building the key strings: an entry is 40 bytes with the rule and subject instances the state already
/// holds, where a sorted dictionary node with its key string and a list per entry was ~170.
/// </summary>
public sealed class MilestoneLedger
{
    private readonly LedgerEntry[] _entries;

    private MilestoneLedger(LedgerEntry[] entries) => _entries = entries;

    public static MilestoneLedger Empty { get; } = new([]);

    /// <summary>The entries in key order (for snapshots and inspection).</summary>
    public IReadOnlyList<LedgerEntry> Entries => _entries;

    public static string KeyOf(string rule, string subject, int threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"{rule}|{subject}|{threshold}");

    /// <summary>A ledger from entries in any order (a snapshot); a key given twice keeps the last.</summary>
    public static MilestoneLedger Of(IEnumerable<LedgerEntry> entries)
    {
        var sorted = entries.Select((entry, index) => (entry, index)).ToArray();
        Array.Sort(sorted, (a, b) =>
        {
            var byKey = Compare(a.entry.Rule, a.entry.Subject, a.entry.Threshold, b.entry);
            return byKey != 0 ? byKey : a.index.CompareTo(b.index);
        });
        var result = new List<LedgerEntry>(sorted.Length);
        foreach (var (entry, _) in sorted)
        {
            if (result.Count > 0 && Compare(entry.Rule, entry.Subject, entry.Threshold, result[^1]) == 0)
                result[^1] = entry;
            else
                result.Add(entry);
        }
        return result.Count == 0 ? Empty : new MilestoneLedger(result.ToArray());
    }

    /// <summary>
    /// The milestones (fired and revoked) that bring the ledger in line with <paramref name="conditions"/>.
    /// With <paramref name="complete"/> (the default) a key with active occurrences that is not among the conditions
    /// counts as holding zero times; without it, <paramref name="conditions"/> are only the ones that may have
    /// changed and every other key keeps what it has. Deterministic: keys in ordinal order; a condition given twice
    /// counts as its last.
    /// </summary>
    public ImmutableArray<Milestone> Evaluate(
        IEnumerable<MilestoneCondition> conditions, string aggregateId, string aggregateType, string triggeredBy, DateTimeOffset timestamp,
        bool complete = true)
    {
        var sorted = SortedLastWins(conditions);
        ImmutableArray<Milestone>.Builder? result = null;
        if (!complete)
        {
            // Only the given keys settle: each finds its entry by binary search (a Player's ledger holds a key for every
            // game that set a career high, and a line brings a handful of conditions).
            foreach (var condition in sorted)
            {
                var index = Find(_entries, condition.Rule, condition.Subject, condition.Threshold);
                Settle(index >= 0 ? _entries[index] : default, condition, ref result);
            }
            return result?.ToImmutable() ?? [];
        }
        // One merge walk over two sequences in the same key order: each condition meets its entry without a lookup.
        int i = 0, j = 0;
        while (i < _entries.Length || j < sorted.Count)
        {
            var order = i == _entries.Length ? 1 : j == sorted.Count ? -1 : -Compare(sorted[j].Rule, sorted[j].Subject, sorted[j].Threshold, _entries[i]);
            if (order < 0)
            {
                var entry = _entries[i++];
                if (complete && entry.ActiveCount > 0)
                    Settle(entry, new MilestoneCondition(entry.Rule, entry.Subject, entry.Threshold, 0, 0, null), ref result);
            }
            else if (order == 0)
            {
                Settle(_entries[i++], sorted[j++], ref result);
            }
            else
            {
                Settle(default, sorted[j++], ref result);
            }
        }
        return result?.ToImmutable() ?? [];

        void Settle(LedgerEntry entry, MilestoneCondition condition, ref ImmutableArray<Milestone>.Builder? milestones)
        {
            var active = entry.ActiveCount;
            var issued = entry.Issued;
            while (active > condition.Holds)
            {
                var occurrence = entry.ActiveAt(--active);
                (milestones ??= ImmutableArray.CreateBuilder<Milestone>()).Add(
                    Make(condition, aggregateId, aggregateType, occurrence, revoked: true, triggeredBy, timestamp));
            }
            while (active < condition.Holds)
            {
                issued++;
                active++;
                (milestones ??= ImmutableArray.CreateBuilder<Milestone>()).Add(
                    Make(condition, aggregateId, aggregateType, issued, revoked: false, triggeredBy, timestamp));
            }
        }
    }

    /// <summary>Records persisted milestones (the same records Evaluate produced).</summary>
    public MilestoneLedger Record(ImmutableArray<Milestone> milestones)
    {
        if (milestones.IsDefaultOrEmpty)
            return this;
        var entries = new List<LedgerEntry>(_entries.Length + milestones.Length);
        entries.AddRange(_entries);
        foreach (var milestone in milestones)
        {
            var index = Find(entries, milestone.Rule, milestone.Subject, milestone.Threshold);
            if (index < 0)
            {
                index = ~index;
                // The rule's constant instead of the persisted event's copy of the same name.
                entries.Insert(index, new LedgerEntry(MilestoneRuleNames.Shared(milestone.Rule), milestone.Subject, milestone.Threshold, 0));
            }
            var entry = entries[index];
            entries[index] = milestone.Revoked ? entry.WithRevoked(milestone.Occurrence) : entry.WithFired(milestone.Occurrence);
        }
        return new MilestoneLedger(entries.ToArray());
    }

    /// <summary>
    /// The conditions in key order; of the same key only the last counts (as a later assignment to the same key
    /// did when they were collected in a dictionary).
    /// </summary>
    private static List<MilestoneCondition> SortedLastWins(IEnumerable<MilestoneCondition> conditions)
    {
        var list = conditions as List<MilestoneCondition> ?? new List<MilestoneCondition>(conditions);
        if (list.Count <= 1)
            return list;
        if (list.Count <= SmallSort)
            return InsertionSortedLastWins(list);
        var indexed = new (MilestoneCondition Condition, int Index)[list.Count];
        for (var k = 0; k < indexed.Length; k++)
            indexed[k] = (list[k], k);
        Array.Sort(indexed, (a, b) =>
        {
            var byKey = Compare(a.Condition.Rule, a.Condition.Subject, a.Condition.Threshold, b.Condition.Rule, b.Condition.Subject, b.Condition.Threshold);
            return byKey != 0 ? byKey : a.Index.CompareTo(b.Index);
        });
        var sorted = new List<MilestoneCondition>(indexed.Length);
        foreach (var (condition, _) in indexed)
        {
            if (sorted.Count > 0 && Compare(condition.Rule, condition.Subject, condition.Threshold, sorted[^1].Rule, sorted[^1].Subject, sorted[^1].Threshold) == 0)
                sorted[^1] = condition;
            else
                sorted.Add(condition);
        }
        return sorted;
    }

    // An event is usually evaluated against a handful of conditions: a stable insertion sort into the result
    // allocates nothing else and calls no delegate, where the general sort costs a few percent of a node's CPU.
    private const int SmallSort = 32;

    private static List<MilestoneCondition> InsertionSortedLastWins(List<MilestoneCondition> list)
    {
        var sorted = new List<MilestoneCondition>(list.Count);
        foreach (var condition in list)
        {
            var k = sorted.Count;
            var order = 1;
            while (k > 0 && (order = Compare(sorted[k - 1].Rule, sorted[k - 1].Subject, sorted[k - 1].Threshold,
                       condition.Rule, condition.Subject, condition.Threshold)) > 0)
                k--;
            if (k > 0 && order == 0)
                sorted[k - 1] = condition; // the same key again: the later one counts
            else
                sorted.Insert(k, condition);
        }
        return sorted;
    }

    private static int Find(List<LedgerEntry> entries, string rule, string subject, int threshold) =>
        Find(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries), rule, subject, threshold);

    private static int Find(ReadOnlySpan<LedgerEntry> entries, string rule, string subject, int threshold)
    {
        int low = 0, high = entries.Length - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var order = Compare(rule, subject, threshold, entries[middle]);
            if (order == 0)
                return middle;
            if (order > 0)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return ~low;
    }

    private static int Compare(string rule, string subject, int threshold, in LedgerEntry entry) =>
        Compare(rule, subject, threshold, entry.Rule, entry.Subject, entry.Threshold);

    /// <summary>
    /// Exactly <c>string.CompareOrdinal(KeyOf(a), KeyOf(b))</c>'s sign, without building the keys. The parts decide
    /// where they differ within the shorter one's length; where one is a prefix of the other (a subject "p-1" and
    /// "p-1x", '|' sorting after 'x'), and between thresholds ("100" before "20"), the key's characters decide.
    /// </summary>
    internal static int Compare(string ruleA, string subjectA, int thresholdA, string ruleB, string subjectB, int thresholdB)
    {
        var byRule = CompareCommonLength(ruleA, ruleB);
        if (byRule != 0)
            return byRule;
        if (ruleA.Length == ruleB.Length)
        {
            var bySubject = CompareCommonLength(subjectA, subjectB);
            if (bySubject != 0)
                return bySubject;
            if (subjectA.Length == subjectB.Length)
                return thresholdA == thresholdB ? 0 : CompareThresholds(thresholdA, thresholdB);
        }
        return CompareKeys(ruleA, subjectA, thresholdA, ruleB, subjectB, thresholdB);
    }

    private static int CompareCommonLength(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        return Math.Sign(a.AsSpan(0, length).SequenceCompareTo(b.AsSpan(0, length)));
    }

    private static int CompareThresholds(int a, int b)
    {
        Span<char> digitsA = stackalloc char[11];
        Span<char> digitsB = stackalloc char[11];
        a.TryFormat(digitsA, out var lengthA, provider: CultureInfo.InvariantCulture);
        b.TryFormat(digitsB, out var lengthB, provider: CultureInfo.InvariantCulture);
        return Math.Sign(digitsA[..lengthA].SequenceCompareTo(digitsB[..lengthB]));
    }

    private static int CompareKeys(string ruleA, string subjectA, int thresholdA, string ruleB, string subjectB, int thresholdB)
    {
        Span<char> a = stackalloc char[128];
        Span<char> b = stackalloc char[128];
        if (!TryWriteKey(a, ruleA, subjectA, thresholdA, out var lengthA) || !TryWriteKey(b, ruleB, subjectB, thresholdB, out var lengthB))
            return Math.Sign(string.CompareOrdinal(KeyOf(ruleA, subjectA, thresholdA), KeyOf(ruleB, subjectB, thresholdB)));
        return Math.Sign(a[..lengthA].SequenceCompareTo(b[..lengthB]));
    }

    private static bool TryWriteKey(Span<char> destination, string rule, string subject, int threshold, out int length)
    {
        length = 0;
        if (rule.Length + subject.Length + 2 + 11 > destination.Length)
            return false;
        rule.AsSpan().CopyTo(destination);
        length = rule.Length;
        destination[length++] = '|';
        subject.AsSpan().CopyTo(destination[length..]);
        length += subject.Length;
        destination[length++] = '|';
        threshold.TryFormat(destination[length..], out var digits, provider: CultureInfo.InvariantCulture);
        length += digits;
        return true;
    }

    private static Milestone Make(MilestoneCondition condition, string aggregateId, string aggregateType, int occurrence, bool revoked,
        string triggeredBy, DateTimeOffset timestamp) =>
        new(Milestone.IdOf(aggregateId, condition.Rule, condition.Subject, condition.Threshold, occurrence), condition.Rule,
            aggregateId, aggregateType, condition.Subject, condition.Threshold, condition.Value, occurrence, revoked,
            condition.GameId, triggeredBy, timestamp);
}
