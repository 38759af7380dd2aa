// The one mechanism behind every milestone rule: compare how often a condition holds now with the
// occurrences still active, fire the missing ones (occurrence + 1), revoke the surplus (newest first).
using System.Collections.Immutable;

namespace Akka.Basketball.Shards.Domain.Milestones;

/// <summary>How often one (rule, subject, threshold) condition holds right now, and the value to report.</summary>
public sealed record MilestoneCondition(string Rule, string Subject, int Threshold, int Holds, int Value, string? GameId)
{
    public string Key => MilestoneLedger.KeyOf(Rule, Subject, Threshold);
}

/// <param name="Issued">Occurrences ever fired; never decreases, so a re-crossing gets a new milestoneId.</param>
/// <param name="Active">Occurrence numbers fired and not revoked, oldest first.</param>
public sealed record LedgerEntry(int Issued, ImmutableList<int> Active);

public sealed record MilestoneLedger
{
    public static MilestoneLedger Empty { get; } = new();

    public ImmutableSortedDictionary<string, LedgerEntry> Entries { get; init; } =
        ImmutableSortedDictionary.Create<string, LedgerEntry>(StringComparer.Ordinal);

    public static string KeyOf(string rule, string subject, int threshold) => $"{rule}|{subject}|{threshold}";

    /// <summary>
    /// The milestones (fired and revoked) that bring the ledger in line with <paramref name="conditions"/>.
    /// With <paramref name="complete"/> (the default) a key with active occurrences that is not among the conditions
    /// counts as holding zero times; without it, <paramref name="conditions"/> are only the ones that may have
    /// changed and every other key keeps what it has. Deterministic: keys in ordinal order.
    /// </summary>
    public ImmutableArray<Milestone> Evaluate(
        IEnumerable<MilestoneCondition> conditions, string aggregateId, string aggregateType, string triggeredBy, DateTimeOffset timestamp,
        bool complete = true)
    {
        var byKey = new SortedDictionary<string, MilestoneCondition>(StringComparer.Ordinal);
        foreach (var condition in conditions)
            byKey[condition.Key] = condition;
        if (!complete)
            return Settle(byKey, aggregateId, aggregateType, triggeredBy, timestamp);
        foreach (var (key, entry) in Entries)
        {
            if (entry.Active.Count > 0 && !byKey.ContainsKey(key))
            {
                var parts = key.Split('|');
                byKey[key] = new MilestoneCondition(parts[0], parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), 0, 0, null);
            }
        }

        return Settle(byKey, aggregateId, aggregateType, triggeredBy, timestamp);
    }

    private ImmutableArray<Milestone> Settle(SortedDictionary<string, MilestoneCondition> byKey, string aggregateId, string aggregateType,
        string triggeredBy, DateTimeOffset timestamp)
    {
        var result = ImmutableArray.CreateBuilder<Milestone>();
        foreach (var (key, condition) in byKey)
        {
            var entry = Entries.GetValueOrDefault(key) ?? new LedgerEntry(0, []);
            var active = entry.Active;
            var issued = entry.Issued;
            while (active.Count > condition.Holds)
            {
                var occurrence = active[^1];
                active = active.RemoveAt(active.Count - 1);
                result.Add(Make(condition, aggregateId, aggregateType, occurrence, revoked: true, triggeredBy, timestamp));
            }
            while (active.Count < condition.Holds)
            {
                issued++;
                active = active.Add(issued);
                result.Add(Make(condition, aggregateId, aggregateType, issued, revoked: false, triggeredBy, timestamp));
            }
        }
        return result.ToImmutable();
    }

    /// <summary>Records persisted milestones (the same records Evaluate produced).</summary>
    public MilestoneLedger Record(ImmutableArray<Milestone> milestones)
    {
        if (milestones.IsDefaultOrEmpty)
            return this;
        var entries = Entries.ToBuilder();
        foreach (var milestone in milestones)
        {
            var key = KeyOf(milestone.Rule, milestone.Subject, milestone.Threshold);
            var entry = entries.GetValueOrDefault(key) ?? new LedgerEntry(0, []);
            entries[key] = milestone.Revoked
                ? entry with { Active = entry.Active.Remove(milestone.Occurrence) }
                : new LedgerEntry(Math.Max(entry.Issued, milestone.Occurrence), entry.Active.Add(milestone.Occurrence));
        }
        return this with { Entries = entries.ToImmutable() };
    }

    private static Milestone Make(MilestoneCondition condition, string aggregateId, string aggregateType, int occurrence, bool revoked,
        string triggeredBy, DateTimeOffset timestamp) =>
        new(Milestone.IdOf(aggregateId, condition.Rule, condition.Subject, condition.Threshold, occurrence), condition.Rule,
            aggregateId, aggregateType, condition.Subject, condition.Threshold, condition.Value, occurrence, revoked,
            condition.GameId, triggeredBy, timestamp);
}
