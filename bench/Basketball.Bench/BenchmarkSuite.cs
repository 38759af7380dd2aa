// One benchmark run: starts kinesalite and (for the PostgreSQL figures) a throw-away PostgreSQL, measures every
// figure of issue 7 beside its baseline, and returns the report. Each part is described where it is measured.
using System.Diagnostics;
using Basketball.Kinesis;
using Basketball.Storage;

namespace Basketball.Bench;

public sealed class BenchmarkSuite(BenchSize size, Action<string> progress)
{
    private const int GetRecordsLimit = 5000; // the shipped basketball.ingress.get-records-limit
    private const int JournalBatchSize = 100; // akka.persistence.journal.sql.batch-size
    private readonly List<BenchFigure> _figures = [];
    private readonly List<string> _notes = [];

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory();
        var kinesis = new KinesaliteFixture();
        var postgres = size.Postgres && size.Parts.HasFlag(BenchParts.Postgres) ? new PostgresFixture() : null;
        try
        {
            progress("starting kinesalite");
            await kinesis.InitializeAsync();
            // Twice the games: one half of the stream's shards warms the nodes up, the other is measured.
            var workload = Workload.Create(2 * size.Games, size.PlaysPerGame, seed: 1);
            _notes.Add($"Throughput workload: {workload.Count:N0} events ({workload.Season.Registrations.Count} player registrations, " +
                       $"{2 * size.Games} games of about {workload.Season.Games.Average(g => g.Events.Count):0} events, 1% corrections) " +
                       $"in a stream of {2 * size.KinesisShards} shards, read with {GetRecordsLimit} records per GetRecords; " +
                       $"the nodes warm up on {size.KinesisShards} shards, then the other {size.KinesisShards} are timed.");

            if (size.Parts.HasFlag(BenchParts.Sqlite))
                await SqliteAsync(kinesis, workload, directory, ct);
            if (size.Parts.HasFlag(BenchParts.Entities))
                await EntitiesAsync(directory, ct);
            if (postgres is not null)
                await PostgresAsync(kinesis, postgres, workload, ct);
            else
                _notes.Add("PostgreSQL figures and failover not run (--no-postgres or --only).");
        }
        finally
        {
            if (postgres is not null)
                await postgres.DisposeAsync();
            await kinesis.DisposeAsync();
        }
        return new BenchReport(size.Name, startedAt, clock.Elapsed, BenchMachine.Current(), _figures, _notes);
    }

    private async Task SqliteAsync(KinesaliteFixture kinesis, Workload workload, TempDirectory directory, CancellationToken ct)
    {
        var sqlite = $"sqlite:{directory.File("pipeline.db")}";
        var sqliteRate = await ThroughputAsync(kinesis, workload, sqlite, "1 node, SQLite", nodes: 1, async bench =>
        {
            var rate = size.LatencyRate ?? _figures[^1].Value / 2;
            progress($"latency at {rate:0} events/s for {size.LatencyDuration.TotalSeconds:0} s");
            var load = Workload.Create(Math.Max(4, size.Games), size.PlaysPerGame, seed: 2, registrations: false);
            var probe = Workload.Create(1, Math.Max(400, (int)size.LatencyDuration.TotalSeconds * 20), seed: 3, registrations: false, correctionRate: 0);
            var (latencies, writes, projection) = await bench.LatencyAsync(load, probe, rate, size.LatencyDuration, ct);
            AddLatency(latencies, rate, writes, projection);
        }, ct);

        progress("replay");
        var (replay, rawRead, replayed, eventsPerSecond) = await EntityBench.ReplayAsync(DatabaseTarget.Parse(sqlite), ct);
        var cost = await EntityBench.ReplayCostAsync(DatabaseTarget.Parse(sqlite), ct);
        _figures.Add(new BenchFigure("replay (rebuild every game and player from the journal, SQLite)", replay, "rows/s",
            [new BenchBaseline("raw read of the same rows", rawRead, "rows/s", replay / rawRead)],
            "≥ 0.5 × raw read", replay >= 0.5 * rawRead,
            $"rows/s against rows/s (a gb1 row holds a whole delivery's events); {eventsPerSecond:N0} events/s. " +
            $"{replayed:N0} events of {sqliteRate.Entities:N0} entities, 8 entities at a time: at most {Environment.ProcessorCount * 1e6 / eventsPerSecond:0.0} µs of CPU " +
            $"per event (wall time × {Environment.ProcessorCount} cores), against {1e6 / rawRead:0.0} µs on one core for the raw read. " +
            $"The same {cost.Events:N0} events on one thread from memory: {cost.DeserializeMicros:0.0} µs each to deserialize " +
            $"({cost.ByManifest}), {cost.ApplyMicros:0.0} µs to apply."));
    }

    private async Task EntitiesAsync(TempDirectory directory, CancellationToken ct)
    {
        progress($"recovery of a {size.RecoveryEvents}-event game");
        var recovery = await EntityBench.RecoveryAsync(DatabaseTarget.Parse($"sqlite:{directory.File("recovery.db")}"), size.RecoveryEvents, ct);
        var speedup = recovery.WithoutSnapshotMs / recovery.WithSnapshotMs;
        _figures.Add(new BenchFigure($"recovery of a {recovery.Events:N0}-event game with its snapshot (SQLite)", recovery.WithSnapshotMs, "ms",
            [new BenchBaseline("the same game without a snapshot", recovery.WithoutSnapshotMs, "ms", speedup)],
            "snapshot ≥ 10× faster", speedup >= 10, "Entity start → first answer; median of 3 after a warm-up; snapshots every 100 events (shipped)."));

        progress($"memory of {size.MemoryGames} live games");
        var memory = await EntityBench.MemoryAsync(DatabaseTarget.Parse($"sqlite:{directory.File("memory.db")}"),
            DatabaseTarget.Parse($"sqlite:{directory.File("memory-warm-up.db")}"), size.MemoryGames, ct);
        _figures.Add(new BenchFigure($"memory per live Game entity (a full game, {memory.EventsPerGame:0} events)", memory.BytesPerGame / 1024, "KiB",
            [], "≤ 32 KB", memory.BytesPerGame <= 32 * 1024, $"{memory.Games} games alive at once; managed heap after full collections."));
        _figures.Add(new BenchFigure($"memory per live Player entity ({memory.GamesPerPlayer:0.#} games each)", memory.BytesPerPlayer / 1024, "KiB",
            [], "≤ 4 KB", memory.BytesPerPlayer <= 4 * 1024, $"{memory.Players} players."));
    }

    private async Task PostgresAsync(KinesaliteFixture kinesis, PostgresFixture postgres, Workload workload, CancellationToken ct)
    {
        var onePg = "postgres:" + await postgres.CreateDatabaseAsync(ct);
        await ThroughputAsync(kinesis, workload, onePg, "1 node, PostgreSQL", nodes: 1, null, ct);
        var threePg = "postgres:" + await postgres.CreateDatabaseAsync(ct);
        await ThroughputAsync(kinesis, workload, threePg, "3 nodes, PostgreSQL", nodes: 3, async bench =>
        {
            progress("failover: kill -9 of one of three nodes");
            // Enough games that every shard of the dead node gets some (the bench sends only those).
            var trickle = Workload.Create(48, size.PlaysPerGame, seed: 4, registrations: false);
            var failover = await bench.FailoverAsync(trickle, ct);
            _figures.Add(new BenchFigure("failover: kill -9 of one of 3 nodes → a survivor reads its shard again", failover.TotalSeconds, "s",
                [], "≤ 15 s", failover.TotalSeconds <= 15, "Records arriving throughout; measured on the 3-node PostgreSQL cluster above."));
        }, ct);
    }

    private sealed record ThroughputResult(double PerSecond, long Entities);

    /// <summary>
    /// One pipeline figure with its two baselines. A fresh stream of twice the shards holds the workload; the nodes
    /// first drain one half of the shards (the warm-up, <see cref="PipelineBench.WarmUpAsync"/>) while the other half
    /// waits at LATEST, then the measured half. Both baselines are measured on the measured half's records: its raw
    /// drain and a raw insert into the database the nodes use (each after a warm-up on the other half).
    /// </summary>
    private async Task<ThroughputResult> ThroughputAsync(KinesaliteFixture kinesis, Workload workload, string journal, string label, int nodes,
        Func<PipelineBench, Task>? then, CancellationToken ct)
    {
        progress($"{label}: filling a stream with {workload.Count:N0} events");
        var stream = await kinesis.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("bench"), 2 * size.KinesisShards, ct);
        using (var client = kinesis.CreateClient())
        {
            PutResult put;
            await using (var producer = new KinesisProducer(client, new KinesisProducerOptions(stream)))
            {
                put = await producer.PutAsync(workload.Records, ct);
                if (!put.AllSucceeded)
                    throw new InvalidOperationException($"{put.FailedCount} records could not be put");
            }
            // Kinesis places a record by the hash of its partition key, the aggregate id: each half holds whole games.
            var shards = (await client.ListShardsAsync(stream, ct)).Select(s => s.ShardId).Order(StringComparer.Ordinal).ToList();
            var warmShards = shards.Take(size.KinesisShards).ToList();
            var measuredShards = shards.Skip(size.KinesisShards).ToList();
            var half = put.Records.Select(r => measuredShards.Contains(r.ShardId!)).ToList();
            var warm = workload.Plan.Where((_, i) => !half[i]).ToList();
            var measured = workload.Plan.Where((_, i) => half[i]).ToList();

            progress($"{label}: raw drain and raw insert");
            await Baselines.RawDrainAsync(client, stream, warmShards, warm.Count, GetRecordsLimit, ct);
            var rawDrain = await Baselines.RawDrainAsync(client, stream, measuredShards, measured.Count, GetRecordsLimit, ct);
            var database = DatabaseTarget.Parse(journal);
            var writers = database.Kind == DatabaseKind.Sqlite ? 1 : 3; // the journal's parallelism on each
            await Baselines.RawInsertAsync(database, warm, JournalBatchSize, writers, ct);
            var rawInsert = await Baselines.RawInsertAsync(database, measured, JournalBatchSize, writers, ct);

            progress($"{label}: starting {nodes} node(s)");
            await using var bench = await PipelineBench.StartAsync(kinesis, journal, stream, shards.Count, nodes, ct);
            progress($"{label}: warming up on {warm.Count:N0} events");
            await bench.WarmUpAsync(warmShards, warm.Count, TimeSpan.FromMinutes(15), ct);
            progress($"{label}: draining {measured.Count:N0} events");
            var (perSecond, elapsed, cpu, jit) = await bench.DrainAsync(measuredShards, measured.Count, TimeSpan.FromMinutes(15), ct);
            var ofDrain = perSecond / rawDrain;
            var ofInsert = perSecond / rawInsert;
            _figures.Add(new BenchFigure($"pipeline throughput, {label}", perSecond, "events/s",
                [
                    new BenchBaseline("raw drain", rawDrain, "records/s", ofDrain),
                    new BenchBaseline($"raw insert ({writers} writer{(writers > 1 ? "s" : "")})", rawInsert, "rows/s", ofInsert),
                ],
                "≥ 0.8 × raw drain, ≥ 0.5 × raw insert", ofDrain >= 0.8 && ofInsert >= 0.5,
                $"{measured.Count:N0} events on {measuredShards.Count} shards in {elapsed.TotalSeconds:0.0} s, first record read → last record durable, " +
                $"after a warm-up on the other {warmShards.Count} shards' {warm.Count:N0} events; " +
                $"the node{(nodes > 1 ? "s" : "")} used {cpu * 1e6 / measured.Count:0} µs of CPU per event ({jit * 1e6 / measured.Count:0} of them in the JIT compiler)."));
            if (then is not null)
                await then(bench);
            return new ThroughputResult(perSecond, workload.Season.Games.Count + workload.Season.Registrations.Count);
        }
    }

    private void AddLatency(List<double> latencies, double rate, double[] gameWrites, double[] projectionWrites)
    {
        if (latencies.Count == 0)
            throw new InvalidOperationException("the latency run measured no probe");
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        var load = size.LatencyRate is null ? "half of the 1-node SQLite saturation" : "fixed by --latency-rate";
        var note = $"{sorted.Length} probes at {rate:0} events/s ({load}); put acknowledged → GET /api/games shows it. " +
                   $"Meanwhile a Game's journal write (persist → durable, the node's histogram) took ≤ {gameWrites[0]:0} ms at p50 and ≤ {gameWrites[1]:0} ms at p99; " +
                   $"a league projection transaction (which holds the same SQLite write lock) ≤ {projectionWrites[0]:0} ms and ≤ {projectionWrites[1]:0} ms.";
        _figures.Add(new BenchFigure("latency p50, 1 node, SQLite", Percentile(0.50), "ms", [], "—", null, note));
        _figures.Add(new BenchFigure("latency p95, 1 node, SQLite", Percentile(0.95), "ms", [], "—", null));
        _figures.Add(new BenchFigure("latency p99, 1 node, SQLite", Percentile(0.99), "ms", [], "≤ 250 ms", Percentile(0.99) <= 250));
    }
}
