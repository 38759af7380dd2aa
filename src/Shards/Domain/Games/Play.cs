// One applied score in the play-by-play.
using Akka.Basketball.Shards.Events;

namespace Akka.Basketball.Shards.Domain.Games;

/// <param name="Arrival">Order of application: breaks ties between plays at the same game clock.</param>
public sealed record Play(string EventId, string TeamId, string PlayerId, int Points, ShotType ShotType, int Period, int ClockSeconds, long Arrival)
{
    /// <summary>Periods 1–4 last 12:00, overtimes 5:00.</summary>
    public static int PeriodLength(int period) => period <= 4 ? 720 : 300;

    /// <summary>Seconds of game clock elapsed since tip-off when this play happened.</summary>
    public int Elapsed
    {
        get
        {
            var before = Period <= 4 ? (Period - 1) * 720 : 4 * 720 + (Period - 5) * 300;
            return before + PeriodLength(Period) - Math.Min(ClockSeconds, PeriodLength(Period));
        }
    }

    /// <summary>Game-clock order: period ascending, clock descending, then arrival.</summary>
    public static int CompareByClock(Play a, Play b)
    {
        var byPeriod = a.Period.CompareTo(b.Period);
        if (byPeriod != 0)
            return byPeriod;
        var byClock = b.ClockSeconds.CompareTo(a.ClockSeconds);
        return byClock != 0 ? byClock : a.Arrival.CompareTo(b.Arrival);
    }
}
