// The one serializer for this system's persisted events, snapshots and remote messages:
// System.Text.Json (source-generated) under short, stable string manifests.
using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Basketball.Shards.Domain.Games;
using Akka.Basketball.Shards.Domain.Players;
using Akka.Basketball.Shards.Entities;
using Akka.Serialization;

namespace Akka.Basketball.Shards.Serialization;

public sealed class BasketballSerializer : SerializerWithStringManifest
{
    /// <summary>Stored with every journal row; never change it.</summary>
    public const int SerializerId = 4117;

    private static readonly BasketballJsonContext Json = BasketballJsonContext.Default;

    // Manifest → type. A manifest is written into every journal row: never reuse or rename one. A breaking
    // change to a persisted type gets a new manifest ("ga2") and the old one keeps its reader.
    private static readonly (string Manifest, JsonTypeInfo Info)[] Registrations =
    [
        ("ga1", Json.GameEventApplied),
        ("gr1", Json.GameEventRejected),
        ("pa1", Json.PlayerEventApplied),
        ("pr1", Json.PlayerEventRejected),
        ("pl1", Json.PlayerGameLineApplied),
        ("gs1", Json.GameState),
        ("ps1", Json.PlayerState),
        ("m.pe", Json.ProcessEvents),
        ("m.ep", Json.EventsProcessed),
        ("m.dl", Json.DeliverPlayerLine),
        ("m.la", Json.PlayerLineAck),
        ("m.gg", Json.GetGame),
        ("m.gp", Json.GetGamePlays),
        ("m.gl", Json.GetPlayer),
        ("m.rg", Json.GameReply),
        ("m.rp", Json.GamePlaysReply),
        ("m.rl", Json.PlayerReply),
    ];

    private static readonly FrozenDictionary<Type, (string Manifest, JsonTypeInfo Info)> ByType =
        Registrations.ToFrozenDictionary(r => r.Info.Type, r => r);

    private static readonly FrozenDictionary<string, JsonTypeInfo> ByManifest =
        Registrations.ToFrozenDictionary(r => r.Manifest, r => r.Info);

    public BasketballSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>Every type this serializer handles, with its manifest (for tests and documentation).</summary>
    public static IReadOnlyDictionary<Type, string> Manifests { get; } =
        Registrations.ToDictionary(r => r.Info.Type, r => r.Manifest);

    public override string Manifest(object o) => Lookup(o.GetType()).Manifest;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, Lookup(obj.GetType()).Info);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var info))
            throw new SerializationException($"BasketballSerializer does not know manifest '{manifest}'.");
        return JsonSerializer.Deserialize(bytes, info)
               ?? throw new SerializationException($"Payload with manifest '{manifest}' deserialized to null.");
    }

    private static (string Manifest, JsonTypeInfo Info) Lookup(Type type) =>
        ByType.TryGetValue(type, out var registration)
            ? registration
            : throw new ArgumentException($"BasketballSerializer has no manifest for {type.FullName}; register it.", nameof(type));
}
