// Version 1 event data of the Player aggregate (SPEC §3). aggregateId = playerId.
namespace Basketball.Domain.Events;

public interface IPlayerEventData : IEventData
{
    string PlayerId { get; }
}

public sealed record PlayerRegistered(string PlayerId, string Name, string TeamId, string? Position, string? JerseyNumber)
    : IPlayerEventData;

public sealed record PlayerTeamChanged(string PlayerId, string FromTeamId, string ToTeamId) : IPlayerEventData;
