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

    // Lines received since the last flush started, with who sent each (null while none wait). A Player is a hot
    // aggregate: every game it plays sends it lines, and while one write is in flight Akka stashes the lines that
    // arrive; they are gathered here and persisted together, one row per flush instead of one per line.
    private List<(PlayerGameLine Line, IActorRef Sender)>? _received;

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
                if (_received is null)
                {
                    _received = [];
                    Self.Tell(FlushReceivedLines.Instance);
                }
                _received.Add((delivery.Line, Sender));
                return true;
            case FlushReceivedLines:
                FlushReceived();
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

    protected override object Tag(IPlayerJournalEvent evt) => evt switch
    {
        PlayerGameLineApplied applied => JournalTags.Tag(evt, JournalTags.PlayerLine, !applied.Milestones.IsDefaultOrEmpty),
        PlayerLineBatch batch => JournalTags.Tag(evt, JournalTags.PlayerLine, batch.Lines.Any(l => !l.Milestones.IsDefaultOrEmpty)),
        _ => evt,
    };

    protected override int EventCount(IPlayerJournalEvent evt) => JournalRow.EventCount(evt);

    /// <summary>
    /// Decides the gathered lines in the order they arrived (a line not newer than the state, or than a line before
    /// it in this flush, persists nothing), persists the newer ones as one row, and acknowledges every line once
    /// that row is durable: an acknowledgement is what stops the Game's redelivery, so it never precedes the write.
    /// </summary>
    private void FlushReceived()
    {
        var received = _received;
        _received = null;
        if (received is null)
            return;
        var lines = new List<PlayerGameLineApplied>(received.Count);
        var speculative = State;
        foreach (var (line, _) in received)
        {
            var (decision, after) = speculative.DecideLine(line, Settings);
            if (decision is Decision<IPlayerJournalEvent>.Persist { Event: PlayerGameLineApplied applied })
            {
                lines.Add(applied);
                speculative = after;
            }
        }

        void Acknowledge()
        {
            foreach (var (line, sender) in received)
                sender.Tell(new PlayerLineAck(line.GameId, line.PlayerId, line.UpdateSeq));
        }

        switch (lines.Count)
        {
            case 0:
                Acknowledge(); // every line was already durable
                break;
            case 1:
                PersistOne(lines[0], Acknowledge, speculative);
                break;
            default:
                PersistOne(new PlayerLineBatch([.. lines]), Acknowledge, speculative);
                break;
        }
    }
}
