// Version 1 event data of the Game aggregate (SPEC §3). aggregateId = gameId.
using System.Text.Json.Serialization;

namespace Basketball.Domain.Events;

/// <summary>Marker for every typed event payload; the JSON discriminator is the SPEC eventType.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(GameScheduled), nameof(GameScheduled))]
[JsonDerivedType(typeof(GameStarted), nameof(GameStarted))]
[JsonDerivedType(typeof(ScoreRecorded), nameof(ScoreRecorded))]
[JsonDerivedType(typeof(ScoreCorrected), nameof(ScoreCorrected))]
[JsonDerivedType(typeof(GameStatusChanged), nameof(GameStatusChanged))]
[JsonDerivedType(typeof(GameCompleted), nameof(GameCompleted))]
[JsonDerivedType(typeof(PlayerRegistered), nameof(PlayerRegistered))]
[JsonDerivedType(typeof(PlayerTeamChanged), nameof(PlayerTeamChanged))]
public interface IEventData;

public interface IGameEventData : IEventData
{
    string GameId { get; }
}

public enum GameStatus
{
    Scheduled,
    InProgress,
    Halftime,
    Suspended,
    Completed,
    Cancelled,
}

public enum ShotType : byte
{
    FreeThrow,
    FieldGoal,
    ThreePointer,
}

public sealed record GameScheduled(string GameId, string HomeTeamId, string AwayTeamId, DateTimeOffset ScheduledAt, string? Venue)
    : IGameEventData;

public sealed record GameStarted(string GameId, string HomeTeamId, string AwayTeamId) : IGameEventData;

/// <param name="ClockSeconds">Seconds left in the period, parsed from <c>gameTime</c> "MM:SS".</param>
/// <param name="Period">1..4; 5 and above are overtimes.</param>
public sealed record ScoreRecorded(
    string GameId,
    string TeamId,
    string PlayerId,
    int Points,
    ShotType ShotType,
    int ClockSeconds,
    int Period) : IGameEventData;

public sealed record ScoreCorrected(string GameId, string CorrectedEventId, string Reason) : IGameEventData;

public sealed record GameStatusChanged(string GameId, GameStatus FromStatus, GameStatus ToStatus, string ChangedBy, string? Reason)
    : IGameEventData;

public sealed record GameCompleted(string GameId) : IGameEventData;
