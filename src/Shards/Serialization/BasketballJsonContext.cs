// Source-generated System.Text.Json metadata for everything the serializer writes: no reflection at run time.
using System.Text.Json.Serialization;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Entities;

namespace Basketball.Shards.Serialization;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
// Journal events and snapshots (persisted: their shape is a contract with every database written so far).
[JsonSerializable(typeof(GameEventApplied))]
[JsonSerializable(typeof(GameEventRejected))]
[JsonSerializable(typeof(GameBatchPayload))]
[JsonSerializable(typeof(PlayerEventApplied))]
[JsonSerializable(typeof(PlayerEventRejected))]
[JsonSerializable(typeof(PlayerGameLineApplied))]
[JsonSerializable(typeof(PlayerLineBatch))]
[JsonSerializable(typeof(GameSnapshot))]
[JsonSerializable(typeof(GameStateV1))]
[JsonSerializable(typeof(PlayerSnapshot))]
[JsonSerializable(typeof(PlayerStateV1))]
// Messages between nodes.
[JsonSerializable(typeof(ProcessEvents))]
[JsonSerializable(typeof(EventsProcessed))]
[JsonSerializable(typeof(EventsNotPersisted))]
[JsonSerializable(typeof(DeliverPlayerLine))]
[JsonSerializable(typeof(PlayerLineAck))]
[JsonSerializable(typeof(GetGame))]
[JsonSerializable(typeof(GetGamePlays))]
[JsonSerializable(typeof(GetPlayer))]
[JsonSerializable(typeof(GameReply))]
[JsonSerializable(typeof(GamePlaysReply))]
[JsonSerializable(typeof(PlayerReply))]
internal sealed partial class BasketballJsonContext : JsonSerializerContext;
