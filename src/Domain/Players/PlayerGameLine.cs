// What a Game entity tells a Player entity: the player's whole line in that game, not a delta.
namespace Basketball.Domain.Players;

/// <summary>
/// The player's absolute statistics in one game as of the game's update number <see cref="UpdateSeq"/>.
/// Absolute values make delivery idempotent and order-tolerant: a Player keeps, per game, the line with the
/// highest <see cref="UpdateSeq"/> and ignores older ones, so redelivery after a crash can neither lose nor
/// double an update, and the memory a Player needs is one line per game it played.
/// </summary>
public sealed record PlayerGameLine(
    string GameId,
    string PlayerId,
    string TeamId,
    long UpdateSeq,
    int Points,
    int FreeThrows,
    int FieldGoals,
    int ThreePointers,
    string TriggeredByEventId,
    DateTimeOffset Timestamp);
