// What a Game snapshot stores (manifest gs2): the state as flat arrays, every eventId once, restored with
// builders instead of one immutable add per event. GameStateV1 reads the snapshots written before it (gs1).
using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Akka.Basketball.Shards.Domain;
using Akka.Basketball.Shards.Domain.Games;
using Akka.Basketball.Shards.Domain.Milestones;
using Akka.Basketball.Shards.Domain.Players;
using Akka.Basketball.Shards.Events;

namespace Akka.Basketball.Shards.Serialization;

/// <summary>One play in a snapshot; short property names because a long game has thousands.</summary>
internal sealed record SnapshotPlay(
    [property: JsonPropertyName("e")] string EventId,
    [property: JsonPropertyName("t")] string TeamId,
    [property: JsonPropertyName("p")] string PlayerId,
    [property: JsonPropertyName("n")] int Points,
    [property: JsonPropertyName("s")] ShotType ShotType,
    [property: JsonPropertyName("q")] int Period,
    [property: JsonPropertyName("c")] int ClockSeconds,
    [property: JsonPropertyName("a")] int Arrival);

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
    SnapshotPlay[] Plays,
    int HomePoints,
    int AwayPoints,
    PlayerGameLine[] PlayerLines,
    long UpdateSeq,
    long Arrivals,
    int EventsApplied,
    string? LastEventId,
    MilestoneLedger Milestones)
{
    public static GameSnapshot From(GameState state)
    {
        var plays = new SnapshotPlay[state.Plays.Count];
        var inPlays = new HashSet<EventKey>(plays.Length);
        var i = 0;
        foreach (var play in state.Plays)
        {
            plays[i++] = new SnapshotPlay(play.EventId, play.TeamId, play.PlayerId, play.Points, play.ShotType, play.Period, play.ClockSeconds,
                play.Arrival);
            inPlays.Add(play.Key);
        }
        return new GameSnapshot(
            state.GameId, state.Status, state.HomeTeamId, state.AwayTeamId, state.CompletedAt,
            state.AppliedIds.Where(k => !inPlays.Contains(k)).Select(k => k.ToString()).ToArray(),
            state.RejectedIds.Values.ToArray(),
            state.CorrectedIds.Select(k => k.ToString()).ToArray(),
            plays,
            state.HomeTeamId is null ? 0 : state.TeamPoints(state.HomeTeamId),
            state.AwayTeamId is null ? 0 : state.TeamPoints(state.AwayTeamId),
            state.PlayerLines.Values.ToArray(),
            state.UpdateSeq, state.Arrivals, state.EventsApplied, state.LastEventId,
            state.Milestones);
    }

    public GameState ToState()
    {
        var plays = GameSnapshotMapping.Plays(Plays, p => (p.EventId, p.TeamId, p.PlayerId, p.Points, p.ShotType, p.Period, p.ClockSeconds,
            p.Arrival), HomeTeamId, AwayTeamId);
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
    MilestoneLedger? Milestones)
{
    public GameState ToState() => GameSnapshotMapping.Restore(GameId, Status, HomeTeamId, AwayTeamId, CompletedAt,
        (AppliedIds ?? []).Select(EventKey.Of), RejectedIds ?? [], CorrectedIds ?? [],
        GameSnapshotMapping.Plays(Plays ?? [], p => (p.EventId, p.TeamId, p.PlayerId, p.Points, p.ShotType, p.Period, p.ClockSeconds,
            checked((int)p.Arrival)), HomeTeamId, AwayTeamId),
        TeamScores ?? [], (PlayerLines ?? []).Values, UpdateSeq, Arrivals, EventsApplied, LastEventId, Milestones ?? MilestoneLedger.Empty);
}

internal sealed record PlayV1(string EventId, string TeamId, string PlayerId, int Points, ShotType ShotType, int Period, int ClockSeconds, long Arrival);

internal static class GameSnapshotMapping
{
    /// <summary>
    /// Plays from a snapshot, in its (clock) order. Team and player ids share one instance per distinct id, as in a
    /// live game, instead of one string per play from the JSON.
    /// </summary>
    public static Play[] Plays<T>(IReadOnlyList<T> source,
        Func<T, (string EventId, string TeamId, string PlayerId, int Points, ShotType ShotType, int Period, int ClockSeconds, int Arrival)> fields,
        string? homeTeamId, string? awayTeamId)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var team in new[] { homeTeamId, awayTeamId })
        {
            if (team is not null)
                ids[team] = team;
        }
        string Shared(string id) => ids.TryGetValue(id, out var shared) ? shared : ids[id] = id;
        var plays = new Play[source.Count];
        for (var i = 0; i < plays.Length; i++)
        {
            var p = fields(source[i]);
            plays[i] = new Play(EventKey.Of(p.EventId), Shared(p.TeamId), Shared(p.PlayerId), p.Points, p.ShotType, p.Period, p.ClockSeconds, p.Arrival);
        }
        return plays;
    }

    public static GameState Restore(string gameId, GameStatus? status, string? homeTeamId, string? awayTeamId, DateTimeOffset? completedAt,
        IEnumerable<EventKey> appliedIds, IEnumerable<KeyValuePair<string, Rejection>> rejected, IEnumerable<string> correctedIds, Play[] plays,
        IEnumerable<KeyValuePair<string, int>> teamScores, IEnumerable<PlayerGameLine> playerLines, long updateSeq, long arrivals,
        int eventsApplied, string? lastEventId, MilestoneLedger milestones)
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
            PlayerLines = ImmutableDictionary.CreateRange(StringComparer.Ordinal, playerLines.Select(l => KeyValuePair.Create(l.PlayerId, l))),
            UpdateSeq = updateSeq,
            Arrivals = arrivals,
            EventsApplied = eventsApplied,
            LastEventId = lastEventId,
            Milestones = milestones,
        };
    }
}
