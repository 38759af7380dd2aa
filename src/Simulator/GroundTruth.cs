// What the cluster must end up with, computed from the script alone (independently of the domain code).
using Basketball.Domain.Events;

namespace Basketball.Simulator;

public sealed record GameTruth(string GameId, string HomeTeamId, string AwayTeamId, int HomePoints, int AwayPoints, int Events,
    IReadOnlyDictionary<string, int> PlayerPoints);

public sealed record PlayerTruth(string PlayerId, int Points, int GamesPlayed);

public sealed record TeamStanding(string TeamId, int Wins, int Losses, int PointsFor, int PointsAgainst);

public sealed record GroundTruth(IReadOnlyDictionary<string, GameTruth> Games, IReadOnlyDictionary<string, PlayerTruth> Players,
    IReadOnlyList<TeamStanding> Standings)
{
    public static GroundTruth Of(Season season)
    {
        var games = new Dictionary<string, GameTruth>();
        var careers = new Dictionary<string, Dictionary<string, int>>();
        foreach (var game in season.Games)
        {
            var plays = new Dictionary<string, ScoreRecorded>();
            foreach (var evt in game.Events)
            {
                switch (evt.Data)
                {
                    case ScoreRecorded score:
                        plays[evt.EventId] = score;
                        break;
                    case ScoreCorrected correction:
                        plays.Remove(correction.CorrectedEventId);
                        break;
                }
            }
            var players = plays.Values.GroupBy(p => p.PlayerId).ToDictionary(g => g.Key, g => g.Sum(p => p.Points));
            foreach (var (player, points) in players)
            {
                if (!careers.TryGetValue(player, out var career))
                    careers[player] = career = [];
                career[game.GameId] = points;
            }
            games[game.GameId] = new GameTruth(game.GameId, game.HomeTeamId, game.AwayTeamId,
                plays.Values.Where(p => p.TeamId == game.HomeTeamId).Sum(p => p.Points),
                plays.Values.Where(p => p.TeamId == game.AwayTeamId).Sum(p => p.Points),
                game.Events.Count, players);
        }

        var standings = games.Values
            .SelectMany(g => new[] { (Team: g.HomeTeamId, For: g.HomePoints, Against: g.AwayPoints), (Team: g.AwayTeamId, For: g.AwayPoints, Against: g.HomePoints) })
            .GroupBy(r => r.Team)
            .Select(t => new TeamStanding(t.Key, t.Count(r => r.For > r.Against), t.Count(r => r.For < r.Against), t.Sum(r => r.For), t.Sum(r => r.Against)))
            .OrderByDescending(t => t.Wins).ThenBy(t => t.TeamId, StringComparer.Ordinal)
            .ToList();
        return new GroundTruth(games,
            careers.ToDictionary(c => c.Key, c => new PlayerTruth(c.Key, c.Value.Values.Sum(), c.Value.Count)),
            standings);
    }
}
