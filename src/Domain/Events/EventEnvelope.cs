// A validated event (SPEC §2): the envelope's facts plus its typed data. Produced only by EventParser.
namespace Basketball.Domain.Events;

public enum AggregateType
{
    Game,
    Player,
}

public sealed record EventMetadata(
    string CorrelationId,
    string Source,
    string? CausationId = null,
    string? UserId = null,
    string? UserAgent = null,
    string? IpAddress = null);

/// <summary>
/// One event, validated against the envelope and data rules that need no entity state.
/// <see cref="EventType"/> is the SPEC name (e.g. <c>ScoreRecorded</c>) and always matches <see cref="Data"/>'s type.
/// </summary>
public sealed record EventEnvelope(
    string EventId,
    string AggregateId,
    AggregateType AggregateType,
    string EventType,
    string EventVersion,
    DateTimeOffset Timestamp,
    EventMetadata Metadata,
    IEventData Data);
