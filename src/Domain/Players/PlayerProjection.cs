// The JSON of GET /api/players/{id} (SPEC §5).
using System.Collections.Immutable;

namespace Basketball.Domain.Players;

public sealed record CareerHigh(int Points, string GameId);

public sealed record PlayerProjection(
    string PlayerId,
    string? Name,
    string? TeamId,
    int GamesPlayed,
    int Points,
    int FreeThrows,
    int FieldGoals,
    int ThreePointers,
    double PointsPerGame,
    CareerHigh? CareerHigh,
    ImmutableSortedDictionary<string, int> Games,
    long Version);
