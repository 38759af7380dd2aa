// The Player-scoped milestone conditions of SPEC §6.
using Basketball.Domain.Milestones;

namespace Basketball.Domain.Players;

internal static class PlayerMilestones
{
    /// <summary>
    /// The career thresholds, and the CareerHigh condition of each game from <paramref name="fromGame"/> on (an index
    /// into <see cref="PlayerState.Games"/>). A game's CareerHigh depends only on itself and the games before it, so
    /// after a line of game i the games before i cannot have changed: evaluating i onwards (not complete) is exact,
    /// and a line of the player's latest game, nearly every line, costs a handful of conditions instead of one per
    /// game of the career.
    /// </summary>
    public static List<MilestoneCondition> Conditions(PlayerState player, MilestoneSettings settings, int fromGame = 0)
    {
        var career = player.CareerPoints;
        var conditions = new List<MilestoneCondition>(settings.CareerPoints.Length + Math.Max(0, player.Games.Length - fromGame));
        foreach (var threshold in settings.CareerPoints)
            conditions.Add(new MilestoneCondition(MilestoneRuleNames.CareerPoints, player.PlayerId, threshold, career >= threshold ? 1 : 0, career, null));

        // CareerHigh: a game whose points exceed every earlier game of the player (the first game sets no record).
        var best = int.MinValue;
        for (var i = 0; i < player.Games.Length; i++)
        {
            var points = player.Games[i].Points;
            if (i >= fromGame)
            {
                var record = best != int.MinValue && points > best;
                conditions.Add(new MilestoneCondition(MilestoneRuleNames.CareerHigh, player.Games[i].GameId, 0, record ? 1 : 0, points, player.Games[i].GameId));
            }
            best = Math.Max(best, points);
        }
        return conditions;
    }
}
