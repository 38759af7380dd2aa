// What a Player snapshot stores (manifest ps2): the compact state as it is, one small object per game.
// PlayerStateV1 reads the snapshots written before it (ps1: the PlayerState record as it was).
using System.Collections.Immutable;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Players;

namespace Basketball.Shards.Serialization;

/// <param name="Games">In the order the games' first lines arrived (CareerHigh depends on it).</param>
internal sealed record PlayerSnapshot(
    string PlayerId,
    string? Name,
    string? TeamId,
    string? Position,
    string? JerseyNumber,
    bool Registered,
    string[] AppliedIds,
    Rejection[] Rejected,
    PlayerGame[] Games,
    LedgerSnapshot Milestones)
{
    public static PlayerSnapshot From(PlayerState state) => new(
        state.PlayerId, state.Name, state.TeamId, state.Position, state.JerseyNumber, state.Registered,
        state.AppliedIds.Select(k => k.ToString()).ToArray(), state.RejectedIds.Values.ToArray(), state.Games.ToArray(),
        LedgerSnapshot.From(state.Milestones));

    public PlayerState ToState() => PlayerSnapshotMapping.Restore(PlayerId, Name, TeamId, Position, JerseyNumber, Registered, AppliedIds,
        Rejected.Select(r => KeyValuePair.Create(r.EventId!, r)), Games, Milestones);
}

/// <summary>The ps1 snapshot: PlayerState as it was serialized directly, a line object per game plus their order.</summary>
internal sealed record PlayerStateV1(
    string PlayerId,
    string? Name,
    string? TeamId,
    string? Position,
    string? JerseyNumber,
    bool Registered,
    string[]? AppliedIds,
    Dictionary<string, Rejection>? RejectedIds,
    Dictionary<string, PlayerGameLine>? Lines,
    string[]? GameOrder,
    LedgerSnapshot? Milestones)
{
    public PlayerState ToState()
    {
        var lines = Lines ?? [];
        // GameOrder lists every game of Lines; a line missing from it (never written so) would go last.
        var order = (GameOrder ?? []).Where(lines.ContainsKey).Concat(lines.Keys.Except(GameOrder ?? [], StringComparer.Ordinal));
        return PlayerSnapshotMapping.Restore(PlayerId, Name, TeamId, Position, JerseyNumber, Registered, AppliedIds ?? [], RejectedIds ?? [],
            order.Select(gameId => PlayerGame.Of(lines[gameId])), Milestones ?? new LedgerSnapshot(null));
    }
}

internal static class PlayerSnapshotMapping
{
    public static PlayerState Restore(string playerId, string? name, string? teamId, string? position, string? jerseyNumber, bool registered,
        IEnumerable<string> appliedIds, IEnumerable<KeyValuePair<string, Rejection>> rejected, IEnumerable<PlayerGame> games,
        LedgerSnapshot milestones)
    {
        var rejections = ImmutableDictionary.CreateBuilder<string, Rejection>(StringComparer.Ordinal);
        rejections.AddRange(rejected);
        var played = games.ToImmutableArray();
        // A CareerHigh subject is a game id: the ledger shares the instance the game's entry holds.
        var gameIds = played.Select(g => g.GameId).Distinct(StringComparer.Ordinal).ToDictionary(id => id, StringComparer.Ordinal);
        return new PlayerState
        {
            PlayerId = playerId,
            Name = name,
            TeamId = teamId,
            Position = position,
            JerseyNumber = jerseyNumber,
            Registered = registered,
            AppliedIds = EventIdSet.Of(appliedIds),
            RejectedIds = rejections.Count == 0 ? PlayerState.NoRejections : rejections.ToImmutable(),
            Games = CareerGames.Of(played),
            Milestones = milestones.ToLedger(subject => subject == playerId ? playerId : gameIds.GetValueOrDefault(subject, subject)),
        };
    }
}
