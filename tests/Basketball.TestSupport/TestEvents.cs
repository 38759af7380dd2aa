// Hand-built events for tests: readable one-liners with unique eventIds.
using Basketball.Domain.Events;

namespace Basketball.TestSupport;

public static class TestEvents
{
    private static long _next;
    private static readonly DateTimeOffset Epoch = new(2026, 1, 10, 19, 0, 0, TimeSpan.Zero);

    public static string NewId(string prefix = "e") => $"{prefix}-{Interlocked.Increment(ref _next):D6}";

    public static EventEnvelope Envelope(string aggregateId, IEventData data, string? eventId = null, DateTimeOffset? at = null) => new(
        eventId ?? NewId(), aggregateId, data is IPlayerEventData ? AggregateType.Player : AggregateType.Game, data.GetType().Name, "1",
        at ?? Epoch.AddSeconds(Interlocked.Read(ref _next)), new EventMetadata("corr", "tests"), data);

    public static EventEnvelope Scheduled(string gameId, string home = "t-1", string away = "t-2") =>
        Envelope(gameId, new GameScheduled(gameId, home, away, Epoch.AddDays(1), "Arena"));

    public static EventEnvelope Started(string gameId, string home = "t-1", string away = "t-2") =>
        Envelope(gameId, new GameStarted(gameId, home, away));

    public static EventEnvelope Score(string gameId, string teamId, string playerId, int points, int period = 1, int clockSeconds = 600,
        string? eventId = null) =>
        Envelope(gameId, new ScoreRecorded(gameId, teamId, playerId, points,
            points switch { 1 => ShotType.FreeThrow, 2 => ShotType.FieldGoal, _ => ShotType.ThreePointer }, clockSeconds, period), eventId);

    public static EventEnvelope Correction(string gameId, string correctedEventId) =>
        Envelope(gameId, new ScoreCorrected(gameId, correctedEventId, "scorer's mistake"));

    public static EventEnvelope Status(string gameId, GameStatus from, GameStatus to) =>
        Envelope(gameId, new GameStatusChanged(gameId, from, to, "official", null));

    public static EventEnvelope Completed(string gameId) => Envelope(gameId, new GameCompleted(gameId));

    public static EventEnvelope Registered(string playerId, string teamId, string name = "Test Player") =>
        Envelope(playerId, new PlayerRegistered(playerId, name, teamId, "G", "7"));

    public static EventEnvelope TeamChanged(string playerId, string from, string to) =>
        Envelope(playerId, new PlayerTeamChanged(playerId, from, to));
}
