// The persistent Player entity: registrations and team changes from the stream, and the per-game lines
// that Game entities deliver. Thin shell around PlayerState.
using Akka.Actor;
using Akka.Basketball.Shards.Domain;
using Akka.Basketball.Shards.Domain.Players;
using Akka.Basketball.Shards.Events;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace Akka.Basketball.Shards.Entities;

public sealed class PlayerEntity : ReceivePersistentActor
{
    public const string PersistenceIdPrefix = "player-";

    private readonly string _playerId;
    private readonly BasketballSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PlayerState _state;
    private long _lastSnapshotSeqNr;

    public PlayerEntity(string playerId, BasketballSettings settings, EntityOptions options)
    {
        _playerId = playerId;
        _settings = settings;
        _state = PlayerState.Initial(playerId);

        Recover<SnapshotOffer>(offer =>
        {
            _state = (PlayerState)offer.Snapshot;
            _lastSnapshotSeqNr = offer.Metadata.SequenceNr;
        });
        Recover<IPlayerJournalEvent>(evt => _state = _state.Apply(evt));
        Recover<RecoveryCompleted>(_ => Context.SetReceiveTimeout(options.PassivateAfter));

        Command<ProcessEvents>(Handle);
        Command<DeliverPlayerLine>(Handle);
        Command<GetPlayer>(_ => Sender.Tell(new PlayerReply(_playerId, _state.IsEmpty ? null : _state.ToProjection(LastSequenceNr))));
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(StopEntity.Instance)));
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

    public override string PersistenceId => PersistenceIdPrefix + _playerId;

    public static Props PropsFor(string playerId, BasketballSettings settings, EntityOptions options) =>
        Props.Create(() => new PlayerEntity(playerId, settings, options));

    private void Handle(ProcessEvents command)
    {
        var sender = Sender;
        var outcomes = new EventOutcome[command.Events.Count];
        var toPersist = new List<object>(command.Events.Count);
        var speculative = _state;
        for (var i = 0; i < command.Events.Count; i++)
        {
            var evt = command.Events[i];
            switch (Decide(speculative, evt))
            {
                case Decision<IPlayerJournalEvent>.Persist persist:
                    toPersist.Add(persist.Event);
                    speculative = speculative.Apply(persist.Event);
                    outcomes[i] = persist.Outcome;
                    break;
                case Decision<IPlayerJournalEvent>.Answer answer:
                    outcomes[i] = answer.Outcome;
                    break;
            }
        }

        if (toPersist.Count == 0)
        {
            sender.Tell(new EventsProcessed(_playerId, outcomes));
            return;
        }

        var remaining = toPersist.Count;
        PersistAll(toPersist, persisted =>
        {
            _state = _state.Apply((IPlayerJournalEvent)persisted);
            if (--remaining > 0)
                return;
            sender.Tell(new EventsProcessed(_playerId, outcomes));
            SnapshotIfDue();
        });
    }

    private Decision<IPlayerJournalEvent> Decide(PlayerState state, EventEnvelope evt)
    {
        try
        {
            return state.Decide(evt, _settings);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Deciding {0} {1} of {2} failed", evt.EventType, evt.EventId, PersistenceId);
            return new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Rejected(evt.EventId,
                new Rejection(RejectionReason.ProcessingFailed, $"{evt.EventType} could not be processed: {ex.Message}", evt.EventId, _playerId)));
        }
    }

    private void Handle(DeliverPlayerLine delivery)
    {
        var sender = Sender;
        var line = delivery.Line;
        var ack = new PlayerLineAck(line.GameId, line.PlayerId, line.UpdateSeq);
        switch (_state.Decide(line, _settings))
        {
            case Decision<IPlayerJournalEvent>.Persist persist:
                var tagged = persist.Event is PlayerGameLineApplied applied
                    ? JournalTags.Tag(applied, JournalTags.PlayerLine, applied.Milestones)
                    : persist.Event;
                Persist(tagged, persisted =>
                {
                    _state = _state.Apply((IPlayerJournalEvent)JournalTags.Untag(persisted));
                    sender.Tell(ack);
                    SnapshotIfDue();
                });
                break;
            case Decision<IPlayerJournalEvent>.Answer:
                // Already have this line or a newer one for the game: acknowledging again is what stops redelivery.
                sender.Tell(ack);
                break;
        }
    }

    private void SnapshotIfDue()
    {
        var every = Math.Max(1, _settings.SnapshotEvery);
        if (LastSequenceNr / every > _lastSnapshotSeqNr / every)
            SaveSnapshot(_state);
    }
}
