// The entities' own series (SPEC §8: journal write latency, entities alive), on System.Diagnostics.Metrics so
// the domain project needs no exporter; the node's prometheus-net publishes every .NET meter at /metrics as
// basketball_entities_alive{type} and basketball_journal_write_seconds{type}.
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Basketball.Shards.Entities;

internal static class EntityMetrics
{
    private static readonly Meter Meter = new("basketball");
    private static long _games;
    private static long _players;

    private static readonly ObservableGauge<long> Alive = Meter.CreateObservableGauge("entities_alive", () => new[]
    {
        new Measurement<long>(Interlocked.Read(ref _games), new KeyValuePair<string, object?>("type", "game")),
        new Measurement<long>(Interlocked.Read(ref _players), new KeyValuePair<string, object?>("type", "player")),
    }, description: "Game and Player entities running on this node");

    private static readonly Histogram<double> JournalWrite = Meter.CreateHistogram<double>(
        "journal_write_seconds", "s", "Time from an entity's persist call until its events are durable (one write per batch)");

    public static void Started(string type) => Interlocked.Increment(ref Counter(type));

    public static void Stopped(string type) => Interlocked.Decrement(ref Counter(type));

    public static void Written(string type, long startedAt) =>
        JournalWrite.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("type", type));

    private static ref long Counter(string type) => ref type == "game" ? ref _games : ref _players;
}
