// What a Game snapshot stores (manifest gs2): the state as flat arrays, every eventId once, restored with
// builders instead of one immutable add per event. GameStateV1 reads the snapshots written before it (gs1).
using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;

namespace Basketball.Shards.Serialization;

/// <summary>
/// The plays of a snapshot by column: a long game has thousands, and parsing the snapshot is most of a recovery
/// from it, so each play costs its eventId and a few small numbers, not an object with property names. Team and
/// player ids are indexes into <see cref="Names"/>.
/// </summary>
internal sealed record SnapshotPlays(
    string[] EventIds, string[] Names, int[] Team, int[] Player, int[] Points, int[] ShotType, int[] Period, int[] ClockSeconds, int[] Arrival)
{
    public static SnapshotPlays From(PlayList plays)
    {
        var n = plays.Count;
        var columns = new SnapshotPlays(new string[n], [], new int[n], new int[n], new int[n], new int[n], new int[n], new int[n], new int[n]);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        int Name(string id) => names.TryGetValue(id, out var index) ? index : names[id] = names.Count;
        var i = 0;
        foreach (var play in plays)
        {
            columns.EventIds[i] = play.EventId;
            columns.Team[i] = Name(play.TeamId);
            columns.Player[i] = Name(play.PlayerId);
            columns.Points[i] = play.Points;
            columns.ShotType[i] = (int)play.ShotType;
            columns.Period[i] = play.Period;
            columns.ClockSeconds[i] = play.ClockSeconds;
            columns.Arrival[i] = play.Arrival;
            i++;
        }
        return columns with { Names = names.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray() };
    }

    /// <summary>The plays in their (clock) order; each team and player id is one instance, as in a live game.</summary>
    public Play[] ToPlays(string? homeTeamId, string? awayTeamId)
    {
        var names = Names.Select(name => name == homeTeamId ? homeTeamId : name == awayTeamId ? awayTeamId! : name).ToArray();
        var plays = new Play[EventIds.Length];
        for (var i = 0; i < plays.Length; i++)
        {
            plays[i] = new Play(EventKey.Of(EventIds[i]), names[Team[i]], names[Player[i]], Points[i], (ShotType)ShotType[i], Period[i],
                ClockSeconds[i], Arrival[i]);
        }
        return plays;
    }
}

/// <param name="OtherAppliedIds">Applied eventIds that are not a play's: the plays carry theirs.</param>
/// <param name="Plays">The play-by-play in game-clock order, as the state holds it.</param>
internal sealed record GameSnapshot(
    string GameId,
    GameStatus? Status,
    string? HomeTeamId,
    string? AwayTeamId,
    DateTimeOffset? CompletedAt,
    string[] OtherAppliedIds,
    Rejection[] Rejected,
    string[] CorrectedIds,
    SnapshotPlays Plays,
    int HomePoints,
    int AwayPoints,
    PlayerGameLine[] PlayerLines,
    long UpdateSeq,
    long Arrivals,
    int EventsApplied,
    string? LastEventId,
    LedgerSnapshot Milestones)
{
    public static GameSnapshot From(GameState state)
    {
        var inPlays = new HashSet<EventKey>(state.Plays.Count);
        foreach (var play in state.Plays)
            inPlays.Add(play.Key);
        return new GameSnapshot(
            state.GameId, state.Status, state.HomeTeamId, state.AwayTeamId, state.CompletedAt,
            state.AppliedIds.Where(k => !inPlays.Contains(k)).Select(k => k.ToString()).ToArray(),
            state.RejectedIds.Values.ToArray(),
            state.CorrectedIds.Select(k => k.ToString()).ToArray(),
            SnapshotPlays.From(state.Plays),
            state.HomeTeamId is null ? 0 : state.TeamPoints(state.HomeTeamId),
            state.AwayTeamId is null ? 0 : state.TeamPoints(state.AwayTeamId),
            state.PlayerLines.Values.ToArray(),
            state.UpdateSeq, state.Arrivals, state.EventsApplied, state.LastEventId,
            LedgerSnapshot.From(state.Milestones));
    }

    public GameState ToState()
    {
        var plays = Plays.ToPlays(HomeTeamId, AwayTeamId);
        return GameSnapshotMapping.Restore(GameId, Status, HomeTeamId, AwayTeamId, CompletedAt,
            OtherAppliedIds.Select(EventKey.Of).Concat(plays.Select(p => p.Key)), Rejected.Select(r => KeyValuePair.Create(r.EventId!, r)),
            CorrectedIds, plays, TeamPoints(), PlayerLines, UpdateSeq, Arrivals, EventsApplied, LastEventId, Milestones);

        IEnumerable<KeyValuePair<string, int>> TeamPoints()
        {
            if (HomeTeamId is not null)
                yield return KeyValuePair.Create(HomeTeamId, HomePoints);
            if (AwayTeamId is not null)
                yield return KeyValuePair.Create(AwayTeamId, AwayPoints);
        }
    }
}

/// <summary>The gs1 snapshot: GameState as it was serialized directly (its <c>scores</c> copy is not needed and not read).</summary>
internal sealed record GameStateV1(
    string GameId,
    GameStatus? Status,
    string? HomeTeamId,
    string? AwayTeamId,
    DateTimeOffset? CompletedAt,
    string[]? AppliedIds,
    Dictionary<string, Rejection>? RejectedIds,
    string[]? CorrectedIds,
    PlayV1[]? Plays,
    Dictionary<string, int>? TeamScores,
    Dictionary<string, PlayerGameLine>? PlayerLines,
    long UpdateSeq,
    long Arrivals,
    int EventsApplied,
    string? LastEventId,
    LedgerSnapshot? Milestones)
{
    public GameState ToState() => GameSnapshotMapping.Restore(GameId, Status, HomeTeamId, AwayTeamId, CompletedAt,
        (AppliedIds ?? []).Select(EventKey.Of), RejectedIds ?? [], CorrectedIds ?? [],
        // Through the gs2 columns: the same sharing of team and player ids as a gs2 snapshot gets.
        SnapshotPlays.From(PlayList.OfOrdered((Plays ?? []).Select(p => new Play(EventKey.Of(p.EventId), p.TeamId, p.PlayerId, p.Points,
            p.ShotType, p.Period, p.ClockSeconds, checked((int)p.Arrival))).ToArray())).ToPlays(HomeTeamId, AwayTeamId),
        TeamScores ?? [], (PlayerLines ?? []).Values, UpdateSeq, Arrivals, EventsApplied, LastEventId, Milestones ?? new LedgerSnapshot(null));
}

internal sealed record PlayV1(string EventId, string TeamId, string PlayerId, int Points, ShotType ShotType, int Period, int ClockSeconds, long Arrival);

internal static class GameSnapshotMapping
{
    public static GameState Restore(string gameId, GameStatus? status, string? homeTeamId, string? awayTeamId, DateTimeOffset? completedAt,
        IEnumerable<EventKey> appliedIds, IEnumerable<KeyValuePair<string, Rejection>> rejected, IEnumerable<string> correctedIds, Play[] plays,
        IEnumerable<KeyValuePair<string, int>> teamScores, IEnumerable<PlayerGameLine> playerLines, long updateSeq, long arrivals,
        int eventsApplied, string? lastEventId, LedgerSnapshot milestones)
    {
        var rejections = ImmutableDictionary.CreateBuilder<string, Rejection>(StringComparer.Ordinal);
        rejections.AddRange(rejected);
        return new GameState
        {
            GameId = gameId,
            Status = status,
            HomeTeamId = homeTeamId,
            AwayTeamId = awayTeamId,
            CompletedAt = completedAt,
            AppliedIds = EventIdSet.Of(appliedIds),
            RejectedIds = rejections.ToImmutable(),
            CorrectedIds = EventIdSet.Of(correctedIds),
            Plays = PlayList.OfOrdered(plays),
            TeamScores = ImmutableDictionary.CreateRange(StringComparer.Ordinal, teamScores),
            PlayerLines = PlayerLineSet.Of(playerLines),
            UpdateSeq = updateSeq,
            Arrivals = arrivals,
            EventsApplied = eventsApplied,
            LastEventId = lastEventId,
            // Subjects are the game's player and team ids and its own id: one instance each, shared with the state.
            Milestones = milestones.ToLedger(Share(gameId, homeTeamId, awayTeamId, plays)),
        };
    }

    private static Func<string, string> Share(string gameId, string? homeTeamId, string? awayTeamId, Play[] plays)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [gameId] = gameId };
        foreach (var id in new[] { homeTeamId, awayTeamId }.OfType<string>())
            names[id] = id;
        foreach (var play in plays)
            names.TryAdd(play.PlayerId, play.PlayerId);
        return subject => names.GetValueOrDefault(subject, subject);
    }
}
