// The messages the ingress, the HTTP API and other entities exchange with Game and Player entities.
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;

namespace Basketball.Shards.Entities;

/// <summary>
/// Events of ONE aggregate, in Kinesis sequence order. The entity decides them in order, persists the
/// accepted and rejected ones in one write, and answers <see cref="EventsProcessed"/> once they are durable.
/// Grouping a GetRecords batch by aggregate this way cuts messages and journal round trips.
/// </summary>
public sealed record ProcessEvents(string AggregateId, IReadOnlyList<EventEnvelope> Events) : IWithAggregateId, IBasketballMessage;

/// <summary>One outcome per event of <see cref="ProcessEvents"/>, same order.</summary>
public sealed record EventsProcessed(string AggregateId, IReadOnlyList<EventOutcome> Outcomes) : IBasketballMessage;

/// <summary>
/// Answer to <see cref="ProcessEvents"/> when the journal refused the write (the database away, the journal's circuit
/// breaker open): nothing of the batch is durable, the entity stops, and the sender may ask again with the same events.
/// <paramref name="Cause"/> is the failure's type and message, for logs.
/// </summary>
public sealed record EventsNotPersisted(string AggregateId, string Cause) : IBasketballMessage;

/// <summary>Game → Player: the player's latest line in a game. Answered with <see cref="PlayerLineAck"/>.</summary>
public sealed record DeliverPlayerLine(PlayerGameLine Line) : IWithAggregateId, IBasketballMessage
{
    public string AggregateId => Line.PlayerId;
}

/// <summary>Player → Game: the line with <paramref name="UpdateSeq"/> (or a newer one) is durable.</summary>
public sealed record PlayerLineAck(string GameId, string PlayerId, long UpdateSeq) : IBasketballMessage;

public sealed record GetGame(string AggregateId) : IWithAggregateId, IBasketballMessage;

public sealed record GetGamePlays(string AggregateId) : IWithAggregateId, IBasketballMessage;

public sealed record GetPlayer(string AggregateId) : IWithAggregateId, IBasketballMessage;

/// <summary>Answer to <see cref="GetGame"/>; <see cref="Game"/> is null when the game has no events (HTTP 404).</summary>
public sealed record GameReply(string GameId, GameProjection? Game) : IBasketballMessage;

public sealed record GamePlaysReply(string GameId, IReadOnlyList<PlayView>? Plays) : IBasketballMessage;

public sealed record PlayerReply(string PlayerId, PlayerProjection? Player) : IBasketballMessage;
