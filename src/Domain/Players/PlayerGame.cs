// What a Player keeps of one game: the numbers of its newest line, without the line's copies of ids.
using System.Text.Json.Serialization;

namespace Basketball.Domain.Players;

/// <summary>
/// 32 bytes inline in the player's array. The line's PlayerId and TeamId are the player's own, and its
/// TriggeredByEventId and Timestamp only name the event behind the milestones that line causes: the persisted
/// <see cref="PlayerGameLineApplied"/> carries them, the state needs only what later lines are compared with.
/// </summary>
public readonly record struct PlayerGame(string GameId, long UpdateSeq, int Points, int FreeThrows, int FieldGoals, int ThreePointers)
{
    public static PlayerGame Of(PlayerGameLine line) =>
        new(line.GameId, line.UpdateSeq, line.Points, line.FreeThrows, line.FieldGoals, line.ThreePointers);

    /// <summary>At least one made shot: the game counts as played (SPEC §5). Derived, so not stored in ps2.</summary>
    [JsonIgnore]
    public bool Played => FreeThrows + FieldGoals + ThreePointers > 0;
}
