// Milestone thresholds, read from `basketball.milestones` in akka.hocon (SPEC §6).
using System.Collections.Immutable;

namespace Basketball.Domain.Milestones;

public sealed record MilestoneSettings(
    ImmutableArray<int> PlayerPointsInGame,
    int TeamPoints,
    int ScoringRunPoints,
    int HotStreakPoints,
    int HotStreakWindowSeconds,
    ImmutableArray<int> CareerPoints)
{
    public static MilestoneSettings Default { get; } = new(
        [10, 20, 30, 40, 50, 60],
        TeamPoints: 100,
        ScoringRunPoints: 10,
        HotStreakPoints: 20,
        HotStreakWindowSeconds: 300,
        [1_000, 5_000, 10_000, 20_000, 30_000]);
}
