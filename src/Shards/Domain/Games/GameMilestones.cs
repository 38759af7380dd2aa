// The Game-scoped milestone conditions of SPEC §6, as the ledger consumes them.
using Akka.Basketball.Shards.Domain.Milestones;
using Akka.Basketball.Shards.Events;

namespace Akka.Basketball.Shards.Domain.Games;

internal static class GameMilestones
{
    public static IEnumerable<MilestoneCondition> Conditions(GameState game, MilestoneSettings settings)
    {
        if (game.HomeTeamId is null || game.AwayTeamId is null)
            yield break;
        var gameId = game.GameId;

        foreach (var line in game.PlayerLines.Values)
        {
            foreach (var threshold in settings.PlayerPointsInGame)
                yield return new MilestoneCondition(MilestoneRuleNames.PlayerPointsInGame, line.PlayerId, threshold,
                    line.Points >= threshold ? 1 : 0, line.Points, gameId);
        }

        var plays = game.Plays;
        foreach (var team in new[] { game.HomeTeamId, game.AwayTeamId })
        {
            var points = game.TeamPoints(team);
            yield return new MilestoneCondition(MilestoneRuleNames.TeamPoints, team, settings.TeamPoints,
                points >= settings.TeamPoints ? 1 : 0, points, gameId);

            var runs = PlayByPlayAnalysis.Runs(plays, team).Where(r => r >= settings.ScoringRunPoints).ToList();
            yield return new MilestoneCondition(MilestoneRuleNames.ScoringRun, team, settings.ScoringRunPoints,
                runs.Count, runs.Count > 0 ? runs[^1] : 0, gameId);

            var streak = PlayByPlayAnalysis.BestWindow(plays, team, settings.HotStreakWindowSeconds);
            yield return new MilestoneCondition(MilestoneRuleNames.HotStreak, team, settings.HotStreakPoints,
                streak >= settings.HotStreakPoints ? 1 : 0, streak, gameId);
        }

        var completed = game.Status == GameStatus.Completed;
        var winner = Math.Max(game.TeamPoints(game.HomeTeamId), game.TeamPoints(game.AwayTeamId));
        yield return new MilestoneCondition(MilestoneRuleNames.GameFinal, gameId, 0, completed ? 1 : 0, winner, gameId);
    }
}
