// What every persistent entity does the same way: recover (snapshot + events through Apply), decide a batch
// of events against a speculative state, persist the batch in one write (one journal row when the entity has a
// batch event), answer once it is durable, and snapshot every N events with older snapshots deleted. Game and
// Player say only what differs.
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Basketball.Domain;
using Basketball.Domain.Events;

namespace Basketball.Shards.Entities;

/// <remarks>
/// A PersistentActor with a switch per message, not a ReceivePersistentActor: the receive builders and a
/// capturing delegate per handler cost every entity ~1.4 KB, about a third of a Player entity's memory.
/// </remarks>
public abstract class AggregateEntity<TState, TEvent> : PersistentActor where TState : class where TEvent : class
{
    // Events (not journal rows: a row may hold a batch) applied since the last snapshot was taken or recovered.
    private int _eventsSinceSnapshot;

    // The sender of the ProcessEvents whose write is in flight (Persist stashes every later command meanwhile, so
    // there is at most one): told EventsNotPersisted if the journal fails the write.
    private IActorRef? _awaitingWrite;

    protected AggregateEntity(string aggregateId, string persistenceIdPrefix, TState initial, BasketballSettings settings, EntityOptions options)
    {
        AggregateId = aggregateId;
        PersistenceId = persistenceIdPrefix + aggregateId;
        State = initial;
        Settings = settings;
        Options = options;
    }

    /// <summary>Computed once: Akka asks for it on every persist.</summary>
    public sealed override string PersistenceId { get; }

    protected sealed override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer offer:
                State = (TState)offer.Snapshot;
                _eventsSinceSnapshot = 0;
                return true;
            case TEvent evt:
                State = Apply(State, evt);
                _eventsSinceSnapshot += EventCount(evt);
                return true;
            case RecoveryCompleted:
                OnRecoveryCompleted();
                return true;
            default:
                return false;
        }
    }

    protected sealed override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case ProcessEvents command:
                Handle(command);
                return true;
            case StopEntity:
                Context.Stop(Self);
                return true;
            case SaveSnapshotSuccess success:
                DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
                return true;
            case SaveSnapshotFailure failure:
                Log.Warning(failure.Cause, "Snapshot of {0} at {1} failed; recovery replays more events until the next one succeeds",
                    PersistenceId, failure.Metadata.SequenceNr);
                return true;
            case DeleteSnapshotsSuccess:
                // Older snapshots are gone: nothing else to do.
                return true;
            case DeleteSnapshotsFailure failure:
                Log.Warning(failure.Cause, "Deleting old snapshots of {0} failed; they are retried at the next snapshot", PersistenceId);
                return true;
            default:
                return ReceiveEntityCommand(message);
        }
    }

    /// <summary>The commands only this kind of entity handles; false for a message it does not know.</summary>
    protected abstract bool ReceiveEntityCommand(object message);

    /// <summary>Runs once the journal is replayed, before the first command.</summary>
    protected virtual void OnRecoveryCompleted()
    {
    }

    protected string AggregateId { get; }

    /// <summary>"game" or "player": the label of this entity's metrics.</summary>
    protected abstract string EntityType { get; }

    protected TState State { get; private set; }

    protected BasketballSettings Settings { get; }

    protected EntityOptions Options { get; }

    protected abstract Decision<TEvent> Decide(TState state, EventEnvelope evt);

    protected abstract TState Apply(TState state, TEvent evt);

    /// <summary>The journal representation of an event (tags for the read side).</summary>
    protected virtual object Tag(TEvent evt) => evt;

    /// <summary>
    /// The one journal event that holds several decided events, or null when this kind of entity writes one row
    /// per event (PersistAll). Apply of the batch must equal Apply of its events in order.
    /// </summary>
    protected virtual TEvent? Batch(IReadOnlyList<TEvent> events) => null;

    /// <summary>How many events a journal event holds (a batch more than one).</summary>
    protected virtual int EventCount(TEvent evt) => 1;

    /// <summary>Runs once a persisted batch is applied and answered; <paramref name="before"/> is the state before it.</summary>
    protected virtual void AfterPersisted(TState before)
    {
        SnapshotIfDue(force: false);
    }

    protected override void PreStart()
    {
        EntityMetrics.Started(EntityType);
        base.PreStart();
    }

    protected override void PostStop()
    {
        EntityMetrics.Stopped(EntityType);
        base.PostStop();
    }

    /// <summary>Persist one journal event (a player line or a batch of them) outside a ProcessEvents, apply it, then run <paramref name="then"/>.</summary>
    /// <param name="after">
    /// The state after <paramref name="evt"/> when the caller already computed it from the current state (Persist
    /// stashes every command until the handler has run, so nothing changes the state in between): taken as it is
    /// instead of applying the event again.
    /// </param>
    protected void PersistOne(TEvent evt, Action then, TState? after = null)
    {
        var startedAt = Stopwatch.GetTimestamp();
        Persist(Tag(evt), persisted =>
        {
            EntityMetrics.Written(EntityType, startedAt);
            var row = (TEvent)JournalTags.Untag(persisted);
            State = after ?? Apply(State, row);
            _eventsSinceSnapshot += EventCount(row);
            then();
            SnapshotIfDue(force: false);
        });
    }

    protected void SnapshotIfDue(bool force)
    {
        if (!force && _eventsSinceSnapshot < Math.Max(1, Settings.SnapshotEvery))
            return;
        SaveSnapshot(State); // a failed one is answered SaveSnapshotFailure: the next is due after another N events
        _eventsSinceSnapshot = 0;
    }

    protected void Passivate() => Context.Parent.Tell(new Passivate(StopEntity.Instance));

    private void Handle(ProcessEvents command)
    {
        var sender = Sender;
        var outcomes = new EventOutcome[command.Events.Count];
        var toPersist = new List<TEvent>(command.Events.Count);
        var speculative = State;
        for (var i = 0; i < command.Events.Count; i++)
        {
            switch (SafeDecide(speculative, command.Events[i]))
            {
                case Decision<TEvent>.Persist persist:
                    toPersist.Add(persist.Event);
                    speculative = Apply(speculative, persist.Event);
                    outcomes[i] = persist.Outcome;
                    break;
                case Decision<TEvent>.Answer answer:
                    outcomes[i] = answer.Outcome;
                    break;
            }
        }

        if (toPersist.Count == 0)
        {
            sender.Tell(new EventsProcessed(AggregateId, outcomes));
            return;
        }

        // One write for the whole batch; the answer waits until every event of it is durable. The state after it
        // is the speculative one already computed from exactly these events (Apply is deterministic, and commands
        // arriving meanwhile are stashed by Persist / PersistAll), so it is taken as it is instead of applying them
        // again. With a batch event the write is one journal row, otherwise one row per event in one atomic write.
        var before = State;
        var after = speculative;
        var startedAt = Stopwatch.GetTimestamp();
        var events = toPersist.Count;
        _awaitingWrite = sender;
        void Done()
        {
            _awaitingWrite = null;
            State = after;
            _eventsSinceSnapshot += events;
            EntityMetrics.Written(EntityType, startedAt);
            sender.Tell(new EventsProcessed(AggregateId, outcomes));
            AfterPersisted(before);
        }

        if ((toPersist.Count > 1 ? Batch(toPersist) : null) is { } batch)
        {
            Persist(Tag(batch), _ => Done());
            return;
        }
        var remaining = toPersist.Count;
        PersistAll(toPersist.Select(Tag), _ =>
        {
            if (--remaining == 0)
                Done();
        });
    }

    /// <summary>
    /// The journal failed a write: Akka.Persistence stops the entity (its state may be behind the journal), which is
    /// right, but the sender would learn of it only from its ask timing out. Told now, it can wait for the database
    /// and ask again without taking the failure for a fault of its events.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _awaitingWrite?.Tell(new EventsNotPersisted(AggregateId, $"{cause.GetType().Name}: {cause.Message}"));
        _awaitingWrite = null;
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private Decision<TEvent> SafeDecide(TState state, EventEnvelope evt)
    {
        try
        {
            return Decide(state, evt);
        }
        catch (Exception ex)
        {
            // A bug in a rule must not stall the stream: the record is answered processing_failed (and
            // dead-lettered by the ingress), nothing is persisted, the entity keeps its state.
            Log.Error(ex, "Deciding {0} {1} of {2} failed", evt.EventType, evt.EventId, PersistenceId);
            return new Decision<TEvent>.Answer(EventOutcome.Rejected(evt.EventId,
                new Rejection(RejectionReason.ProcessingFailed, $"{evt.EventType} could not be processed: {ex.Message}", evt.EventId, AggregateId)));
        }
    }
}
