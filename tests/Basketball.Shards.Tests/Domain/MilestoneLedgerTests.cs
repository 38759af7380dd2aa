// The compact ledger against the model it replaced: a sorted dictionary keyed by the "rule|subject|threshold"
// string, each key with its issued count and active occurrences. Same milestones, same order, same entries.
using System.Collections.Immutable;
using Basketball.Domain.Milestones;

namespace Basketball.Shards.Tests.Domain;

public class MilestoneLedgerTests
{
    // Subjects that order differently as parts than inside the key string ("p-1" is a prefix of "p-1x", and
    // '|' sorts after 'x'), thresholds whose digits do not order like their values, a subject holding '|'.
    private static readonly string[] Rules = [MilestoneRuleNames.CareerHigh, MilestoneRuleNames.ScoringRun, "Scoring", "ScoringRunX"];
    private static readonly string[] Subjects = ["p-1", "p-1x", "p-1|", "p-10", "t", "t-2", "", "g|odd"];
    private static readonly int[] ThresholdValues = [0, 2, 10, 20, 100, 1_000, -5];

    [Fact]
    public void The_ledger_fires_and_revokes_what_the_dictionary_model_does_in_the_same_order() =>
        PlayAgainstTheModel(seed: 11, rounds: 300, minConditions: 0, maxConditions: 12);

    // More than SmallSort (32) conditions at once take the general sort; the key space (224 keys) makes repeated
    // keys common, so "the last of a key counts" is checked where the sort itself is not stable (over 16 items).
    [Fact]
    public void More_than_32_conditions_at_once_fire_and_revoke_what_the_dictionary_model_does() =>
        PlayAgainstTheModel(seed: 12, rounds: 40, minConditions: 33, maxConditions: 120);

    private static void PlayAgainstTheModel(int seed, int rounds, int minConditions, int maxConditions)
    {
        var random = new Random(seed);
        var fired = 0;
        var revoked = 0;
        for (var round = 0; round < rounds; round++)
        {
            var ledger = MilestoneLedger.Empty;
            var model = new Model();
            for (var step = 0; step < 30; step++)
            {
                var conditions = Enumerable.Range(0, random.Next(minConditions, maxConditions))
                    .Select(_ => new MilestoneCondition(Rules[random.Next(Rules.Length)], Subjects[random.Next(Subjects.Length)],
                        ThresholdValues[random.Next(ThresholdValues.Length)], random.Next(0, 4), random.Next(100), random.Next(2) == 0 ? null : "g"))
                    .ToList();
                var complete = random.Next(3) > 0;
                var at = DateTimeOffset.UnixEpoch.AddMinutes(step);

                var actual = ledger.Evaluate(conditions, "agg", "Game", $"e-{step}", at, complete);
                var expected = model.Evaluate(conditions, "agg", "Game", $"e-{step}", at, complete);

                actual.Should().Equal(expected, $"round {round}, step {step}");
                ledger = ledger.Record(actual);
                model.Record(actual);
                Describe(ledger).Should().Equal(model.Describe(), $"round {round}, step {step}: the entries after recording");
                fired += actual.Count(m => !m.Revoked);
                revoked += actual.Count(m => m.Revoked);
            }
        }
        fired.Should().BeGreaterThan(1_000);
        revoked.Should().BeGreaterThan(1_000);
    }

    [Fact]
    public void Keys_compare_as_their_strings_do_by_ordinal()
    {
        var keys = (from rule in Rules from subject in Subjects from threshold in ThresholdValues select (rule, subject, threshold)).ToList();
        keys.Add((MilestoneRuleNames.CareerHigh, new string('x', 200), 5)); // longer than the key buffer on the stack
        // A rule that is a prefix of another, where the longer one goes on with a character that sorts after '|'.
        keys.AddRange(from rule in new[] { "Rule", "Rule~", "Rule~x" } from subject in new[] { "p", "p~" } from threshold in new[] { 1, 10 }
                      select (rule, subject, threshold));
        AssertOrdinalOrder(keys);
    }

    [Fact]
    public void Keys_around_the_length_of_the_stack_buffer_compare_as_their_strings_do_by_ordinal()
    {
        // The key buffer holds 128 characters and a threshold takes up to 11 ("-2147483648"): subjects of 95 to 125
        // characters put "rule|subject|threshold" on both sides of that limit. Each subject also comes as a prefix of
        // three others (one more 'x'; "|1" and "|!", whose '|' meets the shorter key's own '|' and then its threshold's
        // first character, '-' sorting between '!' and '1'), and the rules are a prefix of one another, so that every
        // pair goes on to the key-by-key comparison.
        var keys = (from length in Enumerable.Range(95, 31)
                    let stem = new string('x', length)
                    from subject in new[] { stem, stem + "x", stem + "|1", stem + "|!" }
                    from rule in new[] { MilestoneRuleNames.CareerHigh, "Scoring", "ScoringRun" }
                    from threshold in new[] { 9, int.MinValue }
                    select (rule, subject, threshold)).ToList();
        AssertOrdinalOrder(keys);
    }

    /// <summary>Compare against the key strings themselves, written here ("rule|subject|threshold", invariant digits).</summary>
    private static void AssertOrdinalOrder(List<(string Rule, string Subject, int Threshold)> keys)
    {
        var strings = keys.Select(k => FormattableString.Invariant($"{k.Rule}|{k.Subject}|{k.Threshold}")).ToArray();
        var wrong = new List<string>();
        for (var a = 0; a < keys.Count && wrong.Count < 5; a++)
        {
            for (var b = 0; b < keys.Count; b++)
            {
                var actual = MilestoneLedger.Compare(keys[a].Rule, keys[a].Subject, keys[a].Threshold, keys[b].Rule, keys[b].Subject, keys[b].Threshold);
                if (actual != Math.Sign(string.CompareOrdinal(strings[a], strings[b])))
                    wrong.Add($"{strings[a]} against {strings[b]}: {actual}");
            }
        }
        wrong.Should().BeEmpty();
    }

    [Fact]
    public void A_snapshot_of_no_entries_is_the_empty_ledger()
    {
        var ledger = MilestoneLedger.Of([]);

        ledger.Should().BeSameAs(MilestoneLedger.Empty);
        ledger.Entries.Should().BeEmpty();
    }

    [Fact]
    public void A_snapshot_giving_a_key_twice_keeps_the_last_one_given()
    {
        // 20 keys, each given twice, shuffled: more than 16 entries, where the sort itself is not stable. Issued tells
        // the entries apart (its position in the input).
        var keys = (from subject in Subjects from threshold in new[] { 2, 10, 100 } select (subject, threshold)).Take(20).ToList();
        var random = new Random(5);
        var given = keys.Concat(keys).OrderBy(_ => random.Next())
            .Select((key, position) => new LedgerEntry(MilestoneRuleNames.CareerHigh, key.subject, key.threshold, position + 1, [position + 1]))
            .ToList();

        var expected = given.GroupBy(e => $"CareerHigh|{e.Subject}|{e.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Last().Issued}:{g.Last().Issued}")
            .ToList();
        Describe(MilestoneLedger.Of(given)).Should().Equal(expected);

        var first = new LedgerEntry(MilestoneRuleNames.ScoringRun, "t-1", 10, 1, [1]);
        var second = new LedgerEntry(MilestoneRuleNames.ScoringRun, "t-1", 10, 3, [2, 3]);
        Describe(MilestoneLedger.Of([first, second])).Should().Equal("ScoringRun|t-1|10=3:2,3");
        Describe(MilestoneLedger.Of([second, first])).Should().Equal("ScoringRun|t-1|10=1:1");
    }

    [Fact]
    public void Recording_a_revocation_removes_that_occurrence_and_a_later_firing_gets_the_next_number()
    {
        var ledger = MilestoneLedger.Empty;
        var condition = new MilestoneCondition(MilestoneRuleNames.ScoringRun, "t-1", 10, 2, 12, "g");
        var first = ledger.Evaluate([condition], "g", "Game", "e-1", DateTimeOffset.UnixEpoch);
        first.Select(m => m.MilestoneId).Should().Equal("g:ScoringRun:t-1:10:1", "g:ScoringRun:t-1:10:2");
        ledger = ledger.Record(first);

        var down = ledger.Evaluate([condition with { Holds = 0 }], "g", "Game", "e-2", DateTimeOffset.UnixEpoch);
        down.Select(m => (m.MilestoneId, m.Revoked)).Should().Equal(("g:ScoringRun:t-1:10:2", true), ("g:ScoringRun:t-1:10:1", true));
        ledger = ledger.Record(down);

        ledger.Evaluate([condition with { Holds = 1 }], "g", "Game", "e-3", DateTimeOffset.UnixEpoch)
            .Select(m => m.MilestoneId).Should().Equal("g:ScoringRun:t-1:10:3");
        ledger.Entries.Should().ContainSingle().Which.Issued.Should().Be(2);
    }

    [Fact]
    public void A_ledger_built_from_entries_in_any_order_is_in_key_order()
    {
        var entries = Subjects.Select((s, i) => new LedgerEntry(MilestoneRuleNames.CareerHigh, s, ThresholdValues[i % ThresholdValues.Length], 1, [1]))
            .Reverse().ToList();
        var keys = MilestoneLedger.Of(entries).Entries.Select(e => MilestoneLedger.KeyOf(e.Rule, e.Subject, e.Threshold)).ToList();
        keys.Should().Equal(keys.Order(StringComparer.Ordinal));
    }

    private static List<string> Describe(MilestoneLedger ledger) =>
        ledger.Entries.Select(e => $"{MilestoneLedger.KeyOf(e.Rule, e.Subject, e.Threshold)}={e.Issued}:{string.Join(',', e.Active)}").ToList();

    /// <summary>The ledger as it was before it became compact (the oracle).</summary>
    private sealed class Model
    {
        private readonly SortedDictionary<string, (MilestoneCondition Key, int Issued, ImmutableList<int> Active)> _entries = new(StringComparer.Ordinal);

        public ImmutableArray<Milestone> Evaluate(IEnumerable<MilestoneCondition> conditions, string aggregateId, string aggregateType,
            string triggeredBy, DateTimeOffset timestamp, bool complete)
        {
            var byKey = new SortedDictionary<string, MilestoneCondition>(StringComparer.Ordinal);
            foreach (var condition in conditions)
                byKey[condition.Key] = condition;
            if (complete)
            {
                foreach (var (key, entry) in _entries)
                {
                    if (entry.Active.Count > 0 && !byKey.ContainsKey(key))
                        byKey[key] = entry.Key with { Holds = 0, Value = 0, GameId = null };
                }
            }
            var result = ImmutableArray.CreateBuilder<Milestone>();
            foreach (var (key, condition) in byKey)
            {
                var (_, issued, active) = _entries.GetValueOrDefault(key, (condition, 0, []));
                while (active.Count > condition.Holds)
                {
                    var occurrence = active[^1];
                    active = active.RemoveAt(active.Count - 1);
                    result.Add(Make(condition, occurrence, true));
                }
                while (active.Count < condition.Holds)
                {
                    issued++;
                    active = active.Add(issued);
                    result.Add(Make(condition, issued, false));
                }
            }
            return result.ToImmutable();

            Milestone Make(MilestoneCondition c, int occurrence, bool revoked) =>
                new(Milestone.IdOf(aggregateId, c.Rule, c.Subject, c.Threshold, occurrence), c.Rule, aggregateId, aggregateType, c.Subject,
                    c.Threshold, c.Value, occurrence, revoked, c.GameId, triggeredBy, timestamp);
        }

        public void Record(ImmutableArray<Milestone> milestones)
        {
            foreach (var m in milestones)
            {
                var key = MilestoneLedger.KeyOf(m.Rule, m.Subject, m.Threshold);
                var entry = _entries.GetValueOrDefault(key, (new MilestoneCondition(m.Rule, m.Subject, m.Threshold, 0, 0, null), 0, []));
                _entries[key] = m.Revoked
                    ? entry with { Active = entry.Active.Remove(m.Occurrence) }
                    : (entry.Key, Math.Max(entry.Issued, m.Occurrence), entry.Active.Add(m.Occurrence));
            }
        }

        public List<string> Describe() => _entries.Select(e => $"{e.Key}={e.Value.Issued}:{string.Join(',', e.Value.Active)}").ToList();
    }
}
