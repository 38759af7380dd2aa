// The Player-scoped milestone conditions of SPEC §6.
using Basketball.Domain.Milestones;

namespace Basketball.Domain.Players;

internal static class PlayerMilestones
{
    /// <summary>
    /// The conditions a line of the game at <paramref name="index"/> (in <paramref name="before"/>'s games; -1 for a
    /// new game, which <paramref name="after"/> has last) can have changed: the career thresholds, that game's
    /// CareerHigh, and the CareerHigh of each later game whose record status the line turned (a game's record depends
    /// only on the games before it). Every other key already holds what the ledger has, so evaluating these alone
    /// (not complete) is exact, and a line costs a handful of conditions instead of one per game of the career, also
    /// when many of the player's games are read at once (a backlog, a replay) and lines of early games keep arriving.
    /// </summary>
    public static List<MilestoneCondition> Conditions(PlayerState before, PlayerState after, MilestoneSettings settings, int index)
    {
        var career = after.CareerPoints;
        var conditions = new List<MilestoneCondition>(settings.CareerPoints.Length + 2);
        foreach (var threshold in settings.CareerPoints)
            conditions.Add(new MilestoneCondition(MilestoneRuleNames.CareerPoints, after.PlayerId, threshold, career >= threshold ? 1 : 0, career, null));

        // CareerHigh: a game whose points exceed every earlier game of the player (the first game sets no record).
        // The games before and after the line differ only at the line's game, so both careers are walked at once,
        // from the line's game on: the games before it are the same in both, and their best comes from the career's chunk bests.
        var games = after.Games;
        var changed = index < 0 ? games.Count - 1 : index;
        var best = games.BestBefore(changed);
        int bestBefore = best, bestAfter = best;
        for (var i = changed; i < games.Count; i++)
        {
            var pointsAfter = games[i].Points;
            var pointsBefore = i == changed ? (index < 0 ? int.MinValue : before.Games[i].Points) : pointsAfter;
            var recordAfter = bestAfter != int.MinValue && pointsAfter > bestAfter;
            var recordBefore = bestBefore != int.MinValue && pointsBefore > bestBefore; // a new game: no points before, no record
            if (i == changed || recordAfter != recordBefore)
                conditions.Add(new MilestoneCondition(MilestoneRuleNames.CareerHigh, games[i].GameId, 0, recordAfter ? 1 : 0, pointsAfter, games[i].GameId));
            bestAfter = Math.Max(bestAfter, pointsAfter);
            bestBefore = Math.Max(bestBefore, pointsBefore);
        }
        return conditions;
    }
}
