// How a snapshot stores a milestone ledger: the JSON that gs1, gs2 and ps1 have always held, so that the
// in-memory ledger can change shape without a new snapshot manifest.
using Basketball.Domain.Milestones;

namespace Basketball.Shards.Serialization;

/// <param name="Entries">Key "rule|subject|threshold" (MilestoneLedger.KeyOf) → entry, in key order.</param>
internal sealed record LedgerSnapshot(Dictionary<string, LedgerEntrySnapshot>? Entries)
{
    public static LedgerSnapshot From(MilestoneLedger ledger)
    {
        var entries = new Dictionary<string, LedgerEntrySnapshot>(ledger.Entries.Count, StringComparer.Ordinal);
        foreach (var entry in ledger.Entries)
            entries[MilestoneLedger.KeyOf(entry.Rule, entry.Subject, entry.Threshold)] = new LedgerEntrySnapshot(entry.Issued, entry.Active.ToArray());
        return new LedgerSnapshot(entries);
    }

    /// <param name="share">The state's own instance of a subject (player, team or game id), so each entry does not keep a copy.</param>
    public MilestoneLedger ToLedger(Func<string, string>? share = null) =>
        MilestoneLedger.Of((Entries ?? []).Select(pair =>
        {
            // A subject is an id and may in principle hold '|': the rule ends at the first, the threshold starts after the last.
            var key = pair.Key;
            var first = key.IndexOf('|');
            var last = key.LastIndexOf('|');
            var subject = key[(first + 1)..last];
            return new LedgerEntry(MilestoneRuleNames.Shared(key[..first]), share?.Invoke(subject) ?? subject,
                int.Parse(key.AsSpan(last + 1), System.Globalization.CultureInfo.InvariantCulture), pair.Value.Issued, pair.Value.Active ?? []);
        }));
}

internal sealed record LedgerEntrySnapshot(int Issued, int[]? Active);
