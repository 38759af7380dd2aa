// The one serializer for this system's persisted events, snapshots and remote messages:
// System.Text.Json (source-generated) under short, stable string manifests.
using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Entities;

namespace Basketball.Shards.Serialization;

public sealed class BasketballSerializer : SerializerWithStringManifest
{
    /// <summary>Stored with every journal row; never change it.</summary>
    public const int SerializerId = 4117;

    private static readonly BasketballJsonContext Json = BasketballJsonContext.Default;

    // Manifest → type. A manifest is written into every journal row: never reuse or rename one. A breaking
    // change to a persisted type gets a new manifest ("ga2") and the old one keeps its reader.
    private static readonly Format[] Registrations =
    [
        Plain("ga1", Json.GameEventApplied),
        Plain("gr1", Json.GameEventRejected),
        // gb1: the events of one delivery in one row (GameEventBatch); ga1 / gr1 remain for a delivery of one event.
        Mapped<GameEventBatch, GameBatchPayload>("gb1", Json.GameBatchPayload, GameBatchPayload.From, p => p.ToBatch()),
        Plain("pa1", Json.PlayerEventApplied),
        Plain("pr1", Json.PlayerEventRejected),
        Plain("pl1", Json.PlayerGameLineApplied),
        // pb1: the lines of one Player flush in one row (PlayerLineBatch); pl1 remains for a flush of one line.
        Plain("pb1", Json.PlayerLineBatch),
        // gs2: the game snapshot as flat arrays with every eventId once (GameSnapshot). gs1, the GameState record
        // as it was, is still read: databases written before gs2 recover from their snapshots.
        Mapped<GameState, GameSnapshot>("gs2", Json.GameSnapshot, GameSnapshot.From, s => s.ToState()),
        ReadOnly<GameStateV1>("gs1", Json.GameStateV1, s => s.ToState()),
        // ps2: the compact player (PlayerSnapshot: one small object per game, the ledger as before). ps1, the
        // PlayerState record as it was, is still read.
        Mapped<PlayerState, PlayerSnapshot>("ps2", Json.PlayerSnapshot, PlayerSnapshot.From, s => s.ToState()),
        ReadOnly<PlayerStateV1>("ps1", Json.PlayerStateV1, s => s.ToState()),
        Plain("m.pe", Json.ProcessEvents),
        Plain("m.ep", Json.EventsProcessed),
        Plain("m.en", Json.EventsNotPersisted),
        Plain("m.dl", Json.DeliverPlayerLine),
        Plain("m.la", Json.PlayerLineAck),
        Plain("m.gg", Json.GetGame),
        Plain("m.gp", Json.GetGamePlays),
        Plain("m.gl", Json.GetPlayer),
        Plain("m.rg", Json.GameReply),
        Plain("m.rp", Json.GamePlaysReply),
        Plain("m.rl", Json.PlayerReply),
    ];

    // Types written today, each under its current manifest (a read-only format has no type).
    private static readonly FrozenDictionary<Type, Format> ByType =
        Registrations.Where(r => r.Type is not null).ToFrozenDictionary(r => r.Type!, r => r);

    private static readonly FrozenDictionary<string, Format> ByManifest =
        Registrations.ToFrozenDictionary(r => r.Manifest, r => r);

    public BasketballSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>Every type this serializer handles, with its manifest (for tests and documentation).</summary>
    public static IReadOnlyDictionary<Type, string> Manifests { get; } = ByType.ToDictionary(r => r.Key, r => r.Value.Manifest);

    public override string Manifest(object o) => Lookup(o.GetType()).Manifest;

    public override byte[] ToBinary(object obj) => Lookup(obj.GetType()).Write!(obj);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var format))
            throw new SerializationException($"BasketballSerializer does not know manifest '{manifest}'.");
        return format.Read(bytes) ?? throw new SerializationException($"Payload with manifest '{manifest}' deserialized to null.");
    }

    private static Format Plain<T>(string manifest, JsonTypeInfo<T> info) where T : class =>
        new(manifest, typeof(T), o => JsonSerializer.SerializeToUtf8Bytes((T)o, info), b => JsonSerializer.Deserialize(b, info));

    /// <summary>A type persisted through a dedicated representation <typeparamref name="TStored"/>.</summary>
    private static Format Mapped<T, TStored>(string manifest, JsonTypeInfo<TStored> info, Func<T, TStored> store, Func<TStored, T> restore)
        where T : class where TStored : class =>
        new(manifest, typeof(T), o => JsonSerializer.SerializeToUtf8Bytes(store((T)o), info),
            b => JsonSerializer.Deserialize(b, info) is { } stored ? restore(stored) : null);

    /// <summary>An older manifest that is only read (what it restores is written under a newer one).</summary>
    private static Format ReadOnly<TStored>(string manifest, JsonTypeInfo<TStored> info, Func<TStored, object> restore) where TStored : class =>
        new(manifest, null, null, b => JsonSerializer.Deserialize(b, info) is { } stored ? restore(stored) : null);

    private static Format Lookup(Type type) =>
        ByType.TryGetValue(type, out var registration)
            ? registration
            : throw new ArgumentException($"BasketballSerializer has no manifest for {type.FullName}; register it.", nameof(type));

    /// <param name="Type">The type written under this manifest; null for a manifest that is only read.</param>
    private sealed record Format(string Manifest, Type? Type, Func<object, byte[]>? Write, Func<byte[], object?> Read);
}
