// The state of one game: pure, immutable. Decide answers an incoming event; Apply folds a journal event in.
// Recovery, the persist callback and the replay tooling all go through the same Apply.
using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Basketball.Domain.Events;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;

namespace Basketball.Domain.Games;

/// <summary>
/// Effectively-once memory: <see cref="AppliedIds"/> and <see cref="RejectedIds"/> hold one entry per event
/// the game ever received, so memory is bounded by the size of the game (a few hundred events).
/// </summary>
public sealed record GameState
{
    public required string GameId { get; init; }

    public GameStatus? Status { get; init; }

    public string? HomeTeamId { get; init; }

    public string? AwayTeamId { get; init; }

    /// <summary>Timestamp of the event that completed the game (the correction grace period counts from it).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public EventIdSet AppliedIds { get; init; } = EventIdSet.Empty;

    public ImmutableDictionary<string, Rejection> RejectedIds { get; init; } = ImmutableDictionary.Create<string, Rejection>(StringComparer.Ordinal);

    /// <summary>
    /// Applied scores that a correction took out of <see cref="Plays"/>. A correction finds its target in
    /// <see cref="Plays"/> (a search, but corrections are ~1% of events); this set tells "already corrected" from
    /// "never applied a score" for the rejection message. No copy of every play by eventId is kept.
    /// </summary>
    public EventIdSet CorrectedIds { get; init; } = EventIdSet.Empty;

    /// <summary>The corrected play-by-play in game-clock order.</summary>
    public PlayList Plays { get; init; } = PlayList.Empty;

    public ImmutableDictionary<string, int> TeamScores { get; init; } = ImmutableDictionary.Create<string, int>(StringComparer.Ordinal);

    /// <summary>Latest line per player in this game: what the Players are told.</summary>
    public PlayerLineSet PlayerLines { get; init; } = PlayerLineSet.Empty;

    /// <summary>Numbers the player-line updates of this game (1, 2, 3, …).</summary>
    public long UpdateSeq { get; init; }

    public long Arrivals { get; init; }

    public int EventsApplied { get; init; }

    public string? LastEventId { get; init; }

    public MilestoneLedger Milestones { get; init; } = MilestoneLedger.Empty;

    /// <summary>No game exists under this id (nothing was ever scheduled or started): HTTP 404.</summary>
    [JsonIgnore]
    public bool IsEmpty => Status is null;

    [JsonIgnore]
    public bool IsCompleted => Status == GameStatus.Completed;

    public static GameState Initial(string gameId) => new() { GameId = gameId };

    public int TeamPoints(string teamId) => TeamScores.GetValueOrDefault(teamId);

    public Decision<IGameJournalEvent> Decide(EventEnvelope evt, BasketballSettings settings)
    {
        if (AppliedIds.Contains(evt.EventId))
            return new Decision<IGameJournalEvent>.Answer(EventOutcome.Duplicate(evt.EventId));
        if (RejectedIds.TryGetValue(evt.EventId, out var earlier))
            return new Decision<IGameJournalEvent>.Answer(EventOutcome.Rejected(evt.EventId, earlier));

        if (Check(evt, settings) is { } rejection)
            return new Decision<IGameJournalEvent>.Persist(
                new GameEventRejected(evt.EventId, rejection.Reason, rejection.Message), EventOutcome.Rejected(evt.EventId, rejection));

        var next = ApplyEvent(evt);
        var milestones = next.Milestones.Evaluate(GameMilestones.AffectedBy(evt, this, next, settings.Milestones), GameId, nameof(AggregateType.Game),
            evt.EventId, evt.Timestamp, complete: false);
        return new Decision<IGameJournalEvent>.Persist(new GameEventApplied(evt, milestones), EventOutcome.Applied(evt.EventId));
    }

    public GameState Apply(IGameJournalEvent evt) => evt switch
    {
        GameEventBatch batch => ApplyAll(batch.Events),
        GameEventApplied applied => ApplyEvent(applied.Event) with { Milestones = Milestones.Record(applied.Milestones) },
        GameEventRejected rejected => this with
        {
            RejectedIds = RejectedIds.SetItem(rejected.EventId, new Rejection(rejected.Reason, rejected.Message, rejected.EventId, GameId)),
        },
        _ => throw new ArgumentException($"GameState cannot apply {evt.GetType().Name}", nameof(evt)),
    };

    private GameState ApplyAll(ImmutableArray<IGameJournalEvent> events)
    {
        var state = this;
        foreach (var evt in events)
            state = evt is GameEventBatch ? throw new ArgumentException("a batch does not nest", nameof(events)) : state.Apply(evt);
        return state;
    }

    private Rejection? Check(EventEnvelope evt, BasketballSettings settings)
    {
        Rejection Reject(RejectionReason reason, string message) => new(reason, message, evt.EventId, GameId);
        var status = Status?.ToString() ?? "not scheduled";
        switch (evt.Data)
        {
            case GameScheduled scheduled:
                if (Status is not null)
                    return Reject(RejectionReason.IllegalTransition, $"game {GameId} is already {status}; it cannot be scheduled again");
                if (scheduled.HomeTeamId == scheduled.AwayTeamId)
                    return Reject(RejectionReason.InvalidValue, $"a game needs two different teams, not {scheduled.HomeTeamId} twice");
                return null;
            case GameStarted started:
                if (started.HomeTeamId == started.AwayTeamId)
                    return Reject(RejectionReason.InvalidValue, $"a game needs two different teams, not {started.HomeTeamId} twice");
                if (Status is null)
                    return null;
                if (Status != GameStatus.Scheduled)
                    return Reject(RejectionReason.IllegalTransition, $"game {GameId} is {status}; GameStarted needs Scheduled");
                if (started.HomeTeamId != HomeTeamId || started.AwayTeamId != AwayTeamId)
                    return Reject(RejectionReason.InvalidValue,
                        $"game {GameId} was scheduled as {HomeTeamId} vs {AwayTeamId}, not {started.HomeTeamId} vs {started.AwayTeamId}");
                return null;
            case GameStatusChanged change:
                if (Status is null)
                    return Reject(RejectionReason.IllegalTransition, $"game {GameId} does not exist; schedule or start it first");
                if (change.FromStatus != Status)
                    return Reject(RejectionReason.IllegalTransition, $"game {GameId} is {status}, not {change.FromStatus}");
                if (!GameStatusMachine.Allows(change.FromStatus, change.ToStatus))
                    return Reject(RejectionReason.IllegalTransition, $"a game cannot go from {change.FromStatus} to {change.ToStatus}");
                return null;
            case GameCompleted:
                return Status == GameStatus.InProgress
                    ? null
                    : Reject(RejectionReason.IllegalTransition, $"game {GameId} is {status}; GameCompleted needs InProgress");
            case ScoreRecorded score:
                if (Status != GameStatus.InProgress)
                    return Reject(RejectionReason.GameNotInProgress, $"game {GameId} is {status}; scores are accepted only while InProgress");
                if (score.TeamId != HomeTeamId && score.TeamId != AwayTeamId)
                    return Reject(RejectionReason.InvalidValue, $"team {score.TeamId} does not play in game {GameId} ({HomeTeamId} vs {AwayTeamId})");
                return null;
            case ScoreCorrected correction:
                if (Plays.Find(EventKey.Of(correction.CorrectedEventId)) is null)
                    return Reject(RejectionReason.UnknownCorrectionTarget, CorrectedIds.Contains(correction.CorrectedEventId)
                        ? $"score {correction.CorrectedEventId} of game {GameId} was already corrected"
                        : $"game {GameId} never applied a score {correction.CorrectedEventId}");
                if (Status is GameStatus.Cancelled)
                    return Reject(RejectionReason.GameNotInProgress, $"game {GameId} is Cancelled; corrections are no longer accepted");
                if (Status == GameStatus.Completed && evt.Timestamp > CompletedAt + settings.CorrectionGracePeriod)
                    return Reject(RejectionReason.GameNotInProgress,
                        $"game {GameId} completed at {CompletedAt:O}; the {settings.CorrectionGracePeriod} grace period for corrections has passed");
                return null;
            default:
                return Reject(RejectionReason.UnknownEventType, $"{evt.EventType} is not an event of a Game");
        }
    }

    /// <summary>The domain effect of an accepted event (milestones aside).</summary>
    private GameState ApplyEvent(EventEnvelope evt)
    {
        var key = EventKey.Of(evt.EventId);
        var next = this with
        {
            AppliedIds = AppliedIds.Add(key),
            EventsApplied = EventsApplied + 1,
            LastEventId = evt.EventId,
        };
        return evt.Data switch
        {
            GameScheduled s => next with { Status = GameStatus.Scheduled, HomeTeamId = s.HomeTeamId, AwayTeamId = s.AwayTeamId },
            GameStarted s => next with { Status = GameStatus.InProgress, HomeTeamId = s.HomeTeamId, AwayTeamId = s.AwayTeamId },
            GameStatusChanged s => next with
            {
                Status = s.ToStatus,
                CompletedAt = s.ToStatus == GameStatus.Completed ? evt.Timestamp : CompletedAt,
            },
            GameCompleted => next with { Status = GameStatus.Completed, CompletedAt = evt.Timestamp },
            ScoreRecorded s => next.AddScore(evt, key, s),
            ScoreCorrected c => next.RemoveScore(evt, CorrectionTarget(c)),
            _ => next,
        };
    }

    /// <summary>The applied, not yet corrected score that <paramref name="correction"/> names (Decide checked it exists).</summary>
    internal Play CorrectionTarget(ScoreCorrected correction) =>
        Plays.Find(EventKey.Of(correction.CorrectedEventId))
        ?? throw new InvalidOperationException($"game {GameId} has no uncorrected score {correction.CorrectedEventId}");

    private GameState AddScore(EventEnvelope evt, EventKey key, ScoreRecorded score)
    {
        // The game's own instances of the team and player ids, so that a parsed event's copies are not kept per play.
        var teamId = score.TeamId == HomeTeamId ? HomeTeamId : score.TeamId == AwayTeamId ? AwayTeamId! : score.TeamId;
        var playerId = PlayerLines.TryGetKey(score.PlayerId, out var known) ? known : score.PlayerId;
        var play = new Play(key, teamId, playerId, score.Points, score.ShotType, score.Period, score.ClockSeconds, checked((int)(Arrivals + 1)));
        return (this with
        {
            Arrivals = Arrivals + 1,
            Plays = Plays.Insert(play),
            TeamScores = TeamScores.SetItem(play.TeamId, TeamPoints(play.TeamId) + play.Points),
        }).WithPlayerLine(play, +1, evt);
    }

    private GameState RemoveScore(EventEnvelope evt, Play play) =>
        (this with
        {
            CorrectedIds = CorrectedIds.Add(play.Key),
            Plays = Plays.Remove(play),
            TeamScores = TeamScores.SetItem(play.TeamId, TeamPoints(play.TeamId) - play.Points),
        }).WithPlayerLine(play, -1, evt);

    private GameState WithPlayerLine(Play play, int sign, EventEnvelope evt)
    {
        var line = PlayerLines.GetValueOrDefault(play.PlayerId)
                   ?? new PlayerGameLine(GameId, play.PlayerId, play.TeamId, 0, 0, 0, 0, 0, evt.EventId, evt.Timestamp);
        var updated = line with
        {
            TeamId = sign > 0 ? play.TeamId : line.TeamId,
            UpdateSeq = UpdateSeq + 1,
            Points = line.Points + sign * play.Points,
            FreeThrows = line.FreeThrows + (play.ShotType == ShotType.FreeThrow ? sign : 0),
            FieldGoals = line.FieldGoals + (play.ShotType == ShotType.FieldGoal ? sign : 0),
            ThreePointers = line.ThreePointers + (play.ShotType == ShotType.ThreePointer ? sign : 0),
            TriggeredByEventId = evt.EventId,
            Timestamp = evt.Timestamp,
        };
        return this with { UpdateSeq = UpdateSeq + 1, PlayerLines = PlayerLines.SetItem(updated) };
    }

    public GameProjection ToProjection(long version)
    {
        var home = HomeTeamId ?? "";
        var away = AwayTeamId ?? "";
        var (leadChanges, largestLead) = PlayByPlayAnalysis.Leads(Plays, home, away);
        var periods = Plays
            .GroupBy(p => p.Period)
            .OrderBy(g => g.Key)
            .Select(g => new PeriodScore(g.Key, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new[]
            {
                KeyValuePair.Create(home, g.Where(p => p.TeamId == home).Sum(p => p.Points)),
                KeyValuePair.Create(away, g.Where(p => p.TeamId == away).Sum(p => p.Points)),
            })))
            .ToList();
        var players = PlayerLines.Values
            .Where(l => l.FreeThrows + l.FieldGoals + l.ThreePointers > 0)
            .ToImmutableSortedDictionary(l => l.PlayerId, l => new PlayerBoxScore(l.TeamId, l.Points, l.FreeThrows, l.FieldGoals, l.ThreePointers),
                StringComparer.Ordinal);
        var score = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            new[] { KeyValuePair.Create(home, TeamPoints(home)), KeyValuePair.Create(away, TeamPoints(away)) });
        return new GameProjection(GameId, Status?.ToString() ?? "Unknown", home, away, score, periods, players, leadChanges, largestLead,
            Plays.Count, EventsApplied, LastEventId, version);
    }

    public IReadOnlyList<PlayView> PlayByPlay()
    {
        var views = new List<PlayView>(Plays.Count);
        int home = 0, away = 0;
        foreach (var play in Plays)
        {
            if (play.TeamId == HomeTeamId)
                home += play.Points;
            else
                away += play.Points;
            views.Add(new PlayView(play.EventId, play.Period, EventJson.Clock(play.ClockSeconds), play.TeamId, play.PlayerId, play.Points,
                EventJson.ShotTypeName(play.ShotType), home, away));
        }
        return views;
    }
}
