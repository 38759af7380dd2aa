// The persistent Player entity: PlayerState behind AggregateEntity; registrations and team changes from the
// stream, and the per-game lines that Game entities deliver.
using Akka.Actor;
using Akka.Persistence;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Players;

namespace Basketball.Shards.Entities;

public sealed class PlayerEntity : AggregateEntity<PlayerState, IPlayerJournalEvent>
{
    public const string PersistenceIdPrefix = "player-";

    public PlayerEntity(string playerId, BasketballSettings settings, EntityOptions options)
        : base(playerId, PersistenceIdPrefix, PlayerState.Initial(playerId), settings, options)
    {
    }

    protected override string EntityType => "player";

    public static Props PropsFor(string playerId, BasketballSettings settings, EntityOptions options) =>
        Props.Create(() => new PlayerEntity(playerId, settings, options));

    protected override void OnRecoveryCompleted() => Context.SetReceiveTimeout(Options.PassivateAfter);

    protected override bool ReceiveEntityCommand(object message)
    {
        switch (message)
        {
            case DeliverPlayerLine delivery:
                Handle(delivery);
                return true;
            case GetPlayer:
                Sender.Tell(new PlayerReply(AggregateId, State.IsEmpty ? null : State.ToProjection(LastSequenceNr)));
                return true;
            case ReceiveTimeout:
                Passivate();
                return true;
            default:
                return false;
        }
    }

    protected override Decision<IPlayerJournalEvent> Decide(PlayerState state, EventEnvelope evt) => state.Decide(evt, Settings);

    protected override PlayerState Apply(PlayerState state, IPlayerJournalEvent evt) => state.Apply(evt);

    protected override object Tag(IPlayerJournalEvent evt) =>
        evt is PlayerGameLineApplied applied ? JournalTags.Tag(evt, JournalTags.PlayerLine, !applied.Milestones.IsDefaultOrEmpty) : evt;

    private void Handle(DeliverPlayerLine delivery)
    {
        var sender = Sender;
        var line = delivery.Line;
        var ack = new PlayerLineAck(line.GameId, line.PlayerId, line.UpdateSeq);
        switch (State.Decide(line, Settings))
        {
            case Decision<IPlayerJournalEvent>.Persist persist:
                PersistOne(persist.Event, () => sender.Tell(ack));
                break;
            case Decision<IPlayerJournalEvent>.Answer:
                // Already have this line or a newer one for the game: acknowledging again is what stops redelivery.
                sender.Tell(ack);
                break;
        }
    }
}
