// The persistent Game entity: GameState behind AggregateEntity, plus reliable delivery of player lines.
using Akka.Actor;
using Akka.Persistence;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;

namespace Basketball.Shards.Entities;

public sealed class GameEntity : AggregateEntity<GameState, IGameJournalEvent>, IWithTimers
{
    public const string PersistenceIdPrefix = "game-";

    private readonly IActorRef _players;

    // Player lines sent but not yet acknowledged: playerId → UpdateSeq. Deliberately NOT persisted: after a
    // restart every line of the game is resent (a game has a few dozen players) and Players drop the stale
    // ones, so a crash at any point neither loses nor doubles an update, at the price of no extra writes.
    // Replaced by a new, empty one when every line is acknowledged after it had grown past a few entries (a
    // recovery resends every line): a Dictionary never shrinks, and the buckets and entries of a game's few dozen
    // players would stay with every idle game (~0.9 KB). While a game is live it holds one or two lines at a time,
    // so it is not replaced per score.
    private Dictionary<string, long> _unacknowledged = new();
    private const int SmallCapacity = 8;

    // Players whose line changed since the last flush (null while none did: an idle game holds nothing).
    private HashSet<string>? _changed;

    public GameEntity(string gameId, IActorRef players, BasketballSettings settings, EntityOptions options)
        : base(gameId, PersistenceIdPrefix, GameState.Initial(gameId), settings, options)
    {
        _players = players;
    }

    protected override string EntityType => "game";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string gameId, IActorRef players, BasketballSettings settings, EntityOptions options) =>
        Props.Create(() => new GameEntity(gameId, players, settings, options));

    protected override void OnRecoveryCompleted()
    {
        foreach (var line in State.PlayerLines.Values)
            _unacknowledged[line.PlayerId] = line.UpdateSeq;
        SendUnacknowledgedLines();
        Context.SetReceiveTimeout(Options.PassivateAfter);
    }

    protected override bool ReceiveEntityCommand(object message)
    {
        switch (message)
        {
            case PlayerLineAck ack:
                if (_unacknowledged.TryGetValue(ack.PlayerId, out var pending) && ack.UpdateSeq >= pending)
                {
                    _unacknowledged.Remove(ack.PlayerId);
                    if (_unacknowledged.Count == 0 && _unacknowledged.EnsureCapacity(0) > SmallCapacity)
                        _unacknowledged = new Dictionary<string, long>();
                }
                return true;
            case GetGame:
                Sender.Tell(new GameReply(AggregateId, State.IsEmpty ? null : State.ToProjection(LastSequenceNr)));
                return true;
            case GetGamePlays:
                Sender.Tell(new GamePlaysReply(AggregateId, State.IsEmpty ? null : State.PlayByPlay()));
                return true;
            case RedeliverPlayerLines:
                SendUnacknowledgedLines();
                return true;
            case FlushPlayerLines:
                FlushChangedLines();
                return true;
            case ReceiveTimeout:
                // Lines still unacknowledged keep the game alive (and, with remembered entities, restart it after
                // a crash) so that every Player eventually gets its last line.
                if (_unacknowledged.Count == 0)
                    Passivate();
                return true;
            default:
                return false;
        }
    }

    protected override Decision<IGameJournalEvent> Decide(GameState state, EventEnvelope evt) => state.Decide(evt, Settings);

    protected override GameState Apply(GameState state, IGameJournalEvent evt) => state.Apply(evt);

    protected override object Tag(IGameJournalEvent evt) => evt switch
    {
        GameEventApplied applied => JournalTags.Tag(evt, JournalTags.Game, !applied.Milestones.IsDefaultOrEmpty),
        // A batch is read by the league projections when it applied anything, by the milestone publisher when an
        // event of it fired or revoked one; a batch of rejections only is, like a single rejection, untagged.
        GameEventBatch batch when batch.Events.Any(e => e is GameEventApplied) => JournalTags.Tag(evt, JournalTags.Game,
            batch.Events.Any(e => e is GameEventApplied { Milestones.IsDefaultOrEmpty: false })),
        _ => evt,
    };

    protected override IGameJournalEvent Batch(IReadOnlyList<IGameJournalEvent> events) => new GameEventBatch([.. events]);

    protected override int EventCount(IGameJournalEvent evt) => JournalRow.EventCount(evt);

    protected override void AfterPersisted(GameState before)
    {
        // The batch is durable and answered: its new player lines go to the Players at the next flush, so that the
        // deliveries of a flush interval cost each changed player one line (lines are absolute values).
        foreach (var line in State.PlayerLines.Values)
        {
            if (!_unacknowledged.TryGetValue(line.PlayerId, out var pending) || pending < line.UpdateSeq)
            {
                _unacknowledged[line.PlayerId] = line.UpdateSeq;
                (_changed ??= []).Add(line.PlayerId);
            }
        }
        var completed = !before.IsCompleted && State.IsCompleted;
        if (_changed is not null)
        {
            if (completed || Options.LineFlushAfter <= TimeSpan.Zero)
                FlushChangedLines(); // a finished game's last lines go at once
            else if (!Timers.IsTimerActive(nameof(FlushPlayerLines)))
                Timers.StartSingleTimer(nameof(FlushPlayerLines), FlushPlayerLines.Instance, Options.LineFlushAfter);
        }
        ScheduleRedelivery();
        SnapshotIfDue(force: completed);
    }

    private void FlushChangedLines()
    {
        Timers.Cancel(nameof(FlushPlayerLines));
        if (_changed is null)
            return;
        foreach (var playerId in _changed)
        {
            if (State.PlayerLines.TryGetValue(playerId, out var line))
                _players.Tell(new DeliverPlayerLine(line));
        }
        _changed = null;
    }

    private void SendUnacknowledgedLines()
    {
        foreach (var playerId in _unacknowledged.Keys)
        {
            if (State.PlayerLines.TryGetValue(playerId, out var line))
                _players.Tell(new DeliverPlayerLine(line));
        }
        ScheduleRedelivery();
    }

    private void ScheduleRedelivery()
    {
        if (_unacknowledged.Count == 0)
            Timers.Cancel(nameof(RedeliverPlayerLines));
        else if (!Timers.IsTimerActive(nameof(RedeliverPlayerLines)))
            Timers.StartSingleTimer(nameof(RedeliverPlayerLines), RedeliverPlayerLines.Instance, Options.RedeliverEvery);
    }
}
