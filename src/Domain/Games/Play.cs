// One applied score in the play-by-play.
using Basketball.Domain.Events;

namespace Basketball.Domain.Games;

/// <summary>
/// A game holds one Play per applied score (thousands in a long game), so its fields are narrow: the eventId as an
/// <see cref="EventKey"/>, clock and points in small integers. <see cref="TeamId"/> and <see cref="PlayerId"/> are
/// the instances the game already holds (see GameState.AddScore), not copies per play.
/// </summary>
public sealed record Play
{
    private readonly short _clockSeconds;
    private readonly byte _points;
    private readonly ShotType _shotType;

    /// <param name="Arrival">Order of application: breaks ties between plays at the same game clock.</param>
    public Play(EventKey key, string teamId, string playerId, int points, ShotType shotType, int period, int clockSeconds, int arrival)
    {
        Key = key;
        TeamId = teamId;
        PlayerId = playerId;
        _points = checked((byte)points);
        _shotType = shotType;
        Period = period;
        _clockSeconds = checked((short)clockSeconds);
        Arrival = arrival;
    }

    public EventKey Key { get; }

    public string EventId => Key.ToString();

    public string TeamId { get; }

    public string PlayerId { get; }

    public int Points => _points;

    public ShotType ShotType => _shotType;

    public int Period { get; }

    public int ClockSeconds => _clockSeconds;

    public int Arrival { get; }

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
