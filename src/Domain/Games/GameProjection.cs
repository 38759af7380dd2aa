// The JSON of GET /api/games/{id} and /plays (SPEC §5).
using System.Collections.Immutable;

namespace Basketball.Domain.Games;

public sealed record PeriodScore(int Period, ImmutableSortedDictionary<string, int> Score);

public sealed record PlayerBoxScore(string TeamId, int Points, int FreeThrows, int FieldGoals, int ThreePointers);

public sealed record Lead(string TeamId, int Points);

public sealed record GameProjection(
    string GameId,
    string Status,
    string HomeTeamId,
    string AwayTeamId,
    ImmutableSortedDictionary<string, int> Score,
    IReadOnlyList<PeriodScore> Periods,
    ImmutableSortedDictionary<string, PlayerBoxScore> Players,
    int LeadChanges,
    Lead? LargestLead,
    int Plays,
    int EventsApplied,
    string? LastEventId,
    long Version);

/// <summary>One line of GET /api/games/{id}/plays: the play and the running score after it.</summary>
public sealed record PlayView(
    string EventId, int Period, string GameTime, string TeamId, string PlayerId, int Points, string ShotType, int HomeScore, int AwayScore);
