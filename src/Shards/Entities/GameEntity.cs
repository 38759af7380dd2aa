// The persistent Game entity: thin shell around GameState (decide → persist → apply → reply),
// plus reliable delivery of player lines to Player entities.
using Akka.Actor;
using Akka.Basketball.Shards.Domain;
using Akka.Basketball.Shards.Domain.Games;
using Akka.Basketball.Shards.Events;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace Akka.Basketball.Shards.Entities;

public sealed class GameEntity : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdPrefix = "game-";

    private readonly string _gameId;
    private readonly IActorRef _players;
    private readonly BasketballSettings _settings;
    private readonly EntityOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private GameState _state;
    private long _lastSnapshotSeqNr;

    // Player lines sent but not yet acknowledged: playerId → UpdateSeq. Deliberately NOT persisted: after a
    // restart every line of the game is resent (a game has a few dozen players) and Players drop the stale
    // ones, so a crash at any point neither loses nor doubles an update, at the price of no extra writes.
    private readonly Dictionary<string, long> _unacknowledged = new();

    public GameEntity(string gameId, IActorRef players, BasketballSettings settings, EntityOptions options)
    {
        _gameId = gameId;
        _players = players;
        _settings = settings;
        _options = options;
        _state = GameState.Initial(gameId);

        Recover<SnapshotOffer>(offer =>
        {
            _state = (GameState)offer.Snapshot;
            _lastSnapshotSeqNr = offer.Metadata.SequenceNr;
        });
        Recover<IGameJournalEvent>(evt => _state = _state.Apply(evt));
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var line in _state.PlayerLines.Values)
                _unacknowledged[line.PlayerId] = line.UpdateSeq;
            SendUnacknowledgedLines();
            Context.SetReceiveTimeout(_options.PassivateAfter);
        });

        Command<ProcessEvents>(Handle);
        Command<PlayerLineAck>(Handle);
        Command<GetGame>(_ => Sender.Tell(new GameReply(_gameId, _state.IsEmpty ? null : _state.ToProjection(LastSequenceNr))));
        Command<GetGamePlays>(_ => Sender.Tell(new GamePlaysReply(_gameId, _state.IsEmpty ? null : _state.PlayByPlay())));
        Command<RedeliverPlayerLines>(_ => SendUnacknowledgedLines());
        Command<ReceiveTimeout>(_ => PassivateWhenIdle());
        Command<StopEntity>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(success =>
        {
            _lastSnapshotSeqNr = success.Metadata.SequenceNr;
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failure =>
            _log.Warning(failure.Cause, "Snapshot of {0} at {1} failed; recovery replays more events until the next one succeeds",
                PersistenceId, failure.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { /* older snapshots gone: nothing else to do */ });
        Command<DeleteSnapshotsFailure>(failure =>
            _log.Warning(failure.Cause, "Deleting old snapshots of {0} failed; they are retried at the next snapshot", PersistenceId));
    }

    public override string PersistenceId => PersistenceIdPrefix + _gameId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string gameId, IActorRef players, BasketballSettings settings, EntityOptions options) =>
        Props.Create(() => new GameEntity(gameId, players, settings, options));

    private void Handle(ProcessEvents command)
    {
        var sender = Sender;
        var outcomes = new EventOutcome[command.Events.Count];
        var toPersist = new List<IGameJournalEvent>(command.Events.Count);
        var speculative = _state;
        for (var i = 0; i < command.Events.Count; i++)
        {
            var evt = command.Events[i];
            switch (Decide(speculative, evt))
            {
                case Decision<IGameJournalEvent>.Persist persist:
                    toPersist.Add(persist.Event);
                    speculative = speculative.Apply(persist.Event);
                    outcomes[i] = persist.Outcome;
                    break;
                case Decision<IGameJournalEvent>.Answer answer:
                    outcomes[i] = answer.Outcome;
                    break;
            }
        }

        if (toPersist.Count == 0)
        {
            sender.Tell(new EventsProcessed(_gameId, outcomes));
            return;
        }

        var remaining = toPersist.Count;
        var completedBefore = _state.IsCompleted;
        PersistAll(toPersist.Select(Tagged), tagged =>
        {
            _state = _state.Apply((IGameJournalEvent)JournalTags.Untag(tagged));
            if (--remaining > 0)
                return;

            // The whole batch is durable: answer, then hand the new player lines to the Players.
            sender.Tell(new EventsProcessed(_gameId, outcomes));
            foreach (var line in _state.PlayerLines.Values)
            {
                if (!_unacknowledged.TryGetValue(line.PlayerId, out var pending) || pending < line.UpdateSeq)
                {
                    _unacknowledged[line.PlayerId] = line.UpdateSeq;
                    _players.Tell(new DeliverPlayerLine(line));
                }
            }
            ScheduleRedelivery();
            SnapshotIfDue(completedNow: !completedBefore && _state.IsCompleted);
        });
    }

    private Decision<IGameJournalEvent> Decide(GameState state, EventEnvelope evt)
    {
        try
        {
            return state.Decide(evt, _settings);
        }
        catch (Exception ex)
        {
            // A bug in a rule must not stall the stream: the record is answered as processing_failed
            // (and dead-lettered by the ingress), nothing is persisted, the entity keeps its state.
            _log.Error(ex, "Deciding {0} {1} of {2} failed", evt.EventType, evt.EventId, PersistenceId);
            return new Decision<IGameJournalEvent>.Answer(EventOutcome.Rejected(evt.EventId,
                new Rejection(RejectionReason.ProcessingFailed, $"{evt.EventType} could not be processed: {ex.Message}", evt.EventId, _gameId)));
        }
    }

    private static object Tagged(IGameJournalEvent evt) => evt switch
    {
        GameEventApplied applied => JournalTags.Tag(evt, JournalTags.Game, applied.Milestones),
        _ => evt,
    };

    private void Handle(PlayerLineAck ack)
    {
        if (_unacknowledged.TryGetValue(ack.PlayerId, out var pending) && ack.UpdateSeq >= pending)
            _unacknowledged.Remove(ack.PlayerId);
    }

    private void SendUnacknowledgedLines()
    {
        foreach (var (playerId, _) in _unacknowledged)
        {
            if (_state.PlayerLines.TryGetValue(playerId, out var line))
                _players.Tell(new DeliverPlayerLine(line));
        }
        ScheduleRedelivery();
    }

    private void ScheduleRedelivery()
    {
        if (_unacknowledged.Count == 0)
            Timers.Cancel(nameof(RedeliverPlayerLines));
        else if (!Timers.IsTimerActive(nameof(RedeliverPlayerLines)))
            Timers.StartSingleTimer(nameof(RedeliverPlayerLines), RedeliverPlayerLines.Instance, _options.RedeliverEvery);
    }

    private void SnapshotIfDue(bool completedNow)
    {
        var every = Math.Max(1, _settings.SnapshotEvery);
        if (completedNow || LastSequenceNr / every > _lastSnapshotSeqNr / every)
            SaveSnapshot(_state);
    }

    private void PassivateWhenIdle()
    {
        // Lines still unacknowledged keep the game alive (and, with remembered entities, restart it after a
        // crash) so that every Player eventually gets its last line.
        if (_unacknowledged.Count == 0)
            Context.Parent.Tell(new Passivate(StopEntity.Instance));
    }
}
