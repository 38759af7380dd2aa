// Domain settings from the `basketball` section of akka.hocon.
using Basketball.Domain.Milestones;

namespace Basketball.Domain;

/// <param name="CorrectionGracePeriod">How long after GameCompleted (by event timestamps) corrections are accepted.</param>
/// <param name="SnapshotEvery">Entities snapshot every N persisted events (and when a game completes).</param>
public sealed record BasketballSettings(MilestoneSettings Milestones, TimeSpan CorrectionGracePeriod, int SnapshotEvery)
{
    public static BasketballSettings Default { get; } = new(MilestoneSettings.Default, TimeSpan.FromHours(24), 100);
}
