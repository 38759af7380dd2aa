// The stored form of a GameEventBatch (manifest gb1): its events in order, each as the ga1 / gr1 JSON it would
// have as a row of its own, so one reader shape serves both.
using System.Text.Json.Serialization;
using Basketball.Domain.Games;

namespace Basketball.Shards.Serialization;

internal sealed record GameBatchPayload([property: JsonPropertyName("e")] IReadOnlyList<GameBatchPayload.Item> Events)
{
    public static GameBatchPayload From(GameEventBatch batch) => new(batch.Events
        .Select(e => e switch
        {
            GameEventApplied applied => new Item(applied, null),
            GameEventRejected rejected => new Item(null, rejected),
            _ => throw new ArgumentException($"a game batch cannot hold {e.GetType().Name}", nameof(batch)),
        })
        .ToArray());

    public GameEventBatch ToBatch() => new([.. Events.Select(item => (IGameJournalEvent?)item.Applied ?? item.Rejected
        ?? throw new System.Runtime.Serialization.SerializationException("a gb1 item holds neither an applied nor a rejected event"))]);

    /// <summary>Exactly one of the two is set.</summary>
    internal sealed record Item(
        [property: JsonPropertyName("a")] GameEventApplied? Applied,
        [property: JsonPropertyName("r")] GameEventRejected? Rejected);
}
