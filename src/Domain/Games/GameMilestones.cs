// The Game-scoped milestone conditions of SPEC §6, as the ledger consumes them.
using Basketball.Domain.Events;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;

namespace Basketball.Domain.Games;

internal static class GameMilestones
{
    /// <summary>
    /// The conditions <paramref name="evt"/> can have changed, evaluated on the state after it. Only these can
    /// issue or revoke a milestone, so evaluating them alone gives exactly the milestones that evaluating every
    /// condition would, at a cost that no longer grows with the number of players and thresholds:
    /// a score or its correction moves its player's line, its team's points, both teams' runs (a basket ends the
    /// other team's run; both come from one pass) and its team's hot streak; a status change can only complete (or reopen) the game.
    /// </summary>
    /// <param name="before">The state <paramref name="evt"/> was decided on: a correction's target is still in its plays.</param>
    public static IEnumerable<MilestoneCondition> AffectedBy(EventEnvelope evt, GameState before, GameState game, MilestoneSettings settings)
    {
        if (game.HomeTeamId is null || game.AwayTeamId is null)
            yield break;
        var play = evt.Data switch
        {
            ScoreRecorded score => (score.TeamId, score.PlayerId),
            ScoreCorrected corrected => (before.CorrectionTarget(corrected).TeamId, before.CorrectionTarget(corrected).PlayerId),
            _ => ((string TeamId, string PlayerId)?)null,
        };
        if (play is null)
        {
            yield return Final(game);
            yield break;
        }
        var (teamId, playerId) = play.Value;

        if (game.PlayerLines.TryGetValue(playerId, out var line))
        {
            foreach (var condition in PlayerPoints(line, settings, game.GameId))
                yield return condition;
        }
        yield return TeamPoints(game, teamId, settings);
        foreach (var run in ScoringRuns(game, settings))
            yield return run;
        yield return HotStreak(game, teamId, settings);
    }

    /// <summary>Every condition of the game (what <see cref="AffectedBy"/> is checked against in the tests).</summary>
    public static IEnumerable<MilestoneCondition> Conditions(GameState game, MilestoneSettings settings)
    {
        if (game.HomeTeamId is null || game.AwayTeamId is null)
            yield break;
        foreach (var line in game.PlayerLines.Values)
        {
            foreach (var condition in PlayerPoints(line, settings, game.GameId))
                yield return condition;
        }
        foreach (var team in new[] { game.HomeTeamId, game.AwayTeamId })
        {
            yield return TeamPoints(game, team, settings);
            yield return HotStreak(game, team, settings);
        }
        foreach (var run in ScoringRuns(game, settings))
            yield return run;
        yield return Final(game);
    }

    private static IEnumerable<MilestoneCondition> PlayerPoints(PlayerGameLine line, MilestoneSettings settings, string gameId) =>
        settings.PlayerPointsInGame.Select(threshold => new MilestoneCondition(MilestoneRuleNames.PlayerPointsInGame, line.PlayerId, threshold,
            line.Points >= threshold ? 1 : 0, line.Points, gameId));

    private static MilestoneCondition TeamPoints(GameState game, string team, MilestoneSettings settings)
    {
        var points = game.TeamPoints(team);
        return new MilestoneCondition(MilestoneRuleNames.TeamPoints, team, settings.TeamPoints, points >= settings.TeamPoints ? 1 : 0, points, game.GameId);
    }

    private static MilestoneCondition[] ScoringRuns(GameState game, MilestoneSettings settings)
    {
        var (home, away) = PlayByPlayAnalysis.RunsOfAtLeast(game.Plays, game.HomeTeamId!, settings.ScoringRunPoints);
        return
        [
            new(MilestoneRuleNames.ScoringRun, game.HomeTeamId!, settings.ScoringRunPoints, home.Count, home.Last, game.GameId),
            new(MilestoneRuleNames.ScoringRun, game.AwayTeamId!, settings.ScoringRunPoints, away.Count, away.Last, game.GameId),
        ];
    }

    private static MilestoneCondition HotStreak(GameState game, string team, MilestoneSettings settings)
    {
        var streak = PlayByPlayAnalysis.BestWindow(game.Plays, team, settings.HotStreakWindowSeconds);
        return new MilestoneCondition(MilestoneRuleNames.HotStreak, team, settings.HotStreakPoints, streak >= settings.HotStreakPoints ? 1 : 0,
            streak, game.GameId);
    }

    private static MilestoneCondition Final(GameState game)
    {
        var completed = game.Status == GameStatus.Completed;
        var winner = Math.Max(game.TeamPoints(game.HomeTeamId!), game.TeamPoints(game.AwayTeamId!));
        return new MilestoneCondition(MilestoneRuleNames.GameFinal, game.GameId, 0, completed ? 1 : 0, winner, game.GameId);
    }
}
