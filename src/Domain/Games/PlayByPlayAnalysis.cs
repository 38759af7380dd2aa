// Facts that depend on the order of the corrected play-by-play: lead changes, largest lead, scoring runs,
// hot streaks. Pure functions over plays in game-clock order.
using System.Buffers;
using System.Collections.Immutable;

namespace Basketball.Domain.Games;

public static class PlayByPlayAnalysis
{
    /// <summary>Times the lead passed from one team to the other (a tie alone is not a change), and the largest margin.</summary>
    public static (int LeadChanges, Lead? LargestLead) Leads(IReadOnlyList<Play> plays, string homeTeamId, string awayTeamId)
    {
        int home = 0, away = 0, changes = 0;
        string? leader = null;
        Lead? largest = null;
        foreach (var play in plays)
        {
            if (play.TeamId == homeTeamId)
                home += play.Points;
            else
                away += play.Points;
            var margin = home - away;
            if (margin != 0)
            {
                var now = margin > 0 ? homeTeamId : awayTeamId;
                if (leader is not null && leader != now)
                    changes++;
                leader = now;
                if (largest is null || Math.Abs(margin) > largest.Points)
                    largest = new Lead(now, Math.Abs(margin));
            }
        }
        return (changes, largest);
    }

    /// <summary>
    /// For each of the two teams, how many maximal runs of unanswered points reached <paramref name="minimum"/>
    /// points and the points of the last of them (0 when none did). One pass over the plays for both teams and
    /// no allocation: it runs for every score.
    /// </summary>
    public static ((int Count, int Last) Home, (int Count, int Last) Away) RunsOfAtLeast(PlayList plays, string homeTeamId, int minimum)
    {
        (int Count, int Last) home = (0, 0), away = (0, 0);
        var current = 0;
        var running = (string?)null;
        foreach (var play in plays)
        {
            if (play.TeamId != running)
            {
                Close(running, current);
                (running, current) = (play.TeamId, 0);
            }
            current += play.Points;
        }
        Close(running, current);
        return (home, away);

        void Close(string? team, int points)
        {
            if (team is null || points < minimum || points == 0)
                return;
            if (team == homeTeamId)
                home = (home.Count + 1, points);
            else
                away = (away.Count + 1, points);
        }
    }

    /// <summary>Most points <paramref name="teamId"/> scored within any <paramref name="windowSeconds"/> of elapsed game clock.</summary>
    public static int BestWindow(PlayList plays, string teamId, int windowSeconds)
    {
        var team = ArrayPool<Play>.Shared.Rent(plays.Count);
        try
        {
            var count = 0;
            foreach (var play in plays)
            {
                if (play.TeamId == teamId)
                    team[count++] = play;
            }
            int best = 0, sum = 0, start = 0;
            for (var end = 0; end < count; end++)
            {
                sum += team[end].Points;
                while (team[end].Elapsed - team[start].Elapsed > windowSeconds)
                    sum -= team[start++].Points;
                best = Math.Max(best, sum);
            }
            return best;
        }
        finally
        {
            ArrayPool<Play>.Shared.Return(team, clearArray: true);
        }
    }
}
