// The Player-scoped milestone conditions of SPEC §6.
using Basketball.Domain.Milestones;

namespace Basketball.Domain.Players;

internal static class PlayerMilestones
{
    public static IEnumerable<MilestoneCondition> Conditions(PlayerState player, MilestoneSettings settings)
    {
        var career = player.CareerPoints;
        foreach (var threshold in settings.CareerPoints)
            yield return new MilestoneCondition(MilestoneRuleNames.CareerPoints, player.PlayerId, threshold, career >= threshold ? 1 : 0, career, null);

        // CareerHigh: a game whose points exceed every earlier game of the player (the first game sets no record).
        var best = int.MinValue;
        foreach (var game in player.Games)
        {
            var points = game.Points;
            var record = best != int.MinValue && points > best;
            yield return new MilestoneCondition(MilestoneRuleNames.CareerHigh, game.GameId, 0, record ? 1 : 0, points, game.GameId);
            best = Math.Max(best, points);
        }
    }
}
