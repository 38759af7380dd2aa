// One benchmark run: starts kinesalite and (for the PostgreSQL figures) a throw-away PostgreSQL with its
// durability on, measures every figure of issues 7 and 14 beside its baseline, and returns the report. Each part
// is described where it is measured; the notes of the report say how.
using System.Diagnostics;
using Basketball.Kinesis;
using Basketball.Simulator;
using Basketball.Storage;
using Npgsql;

namespace Basketball.Bench;

public sealed class BenchmarkSuite(BenchSize size, Action<string> progress)
{
    /// <summary>Rows per transaction of the prepared raw insert.</summary>
    public const int PreparedTransactionRows = 1_000;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(20);

    private readonly List<BenchFigure> _figures = [];
    private readonly List<string> _notes = [];
    private readonly ShippedSettings _shipped = ShippedSettings.Read();
    private BenchStream? _stream;
    private List<SimulatedRecord> _warmPlan = [];
    private List<SimulatedRecord> _measuredPlan = [];
    private int _warmUpRounds; // seeds of the extra warm-up rounds: new games in every round of the run

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory();
        var kinesis = new KinesaliteFixture();
        var postgres = size.Postgres && size.Parts.HasFlag(BenchParts.Postgres) ? new PostgresFixture { Durable = true } : null;
        try
        {
            progress("starting kinesalite");
            await kinesis.InitializeAsync();
            if (size.Parts.HasFlag(BenchParts.Sqlite) || postgres is not null)
                await FillAsync(kinesis, ct);

            if (size.Parts.HasFlag(BenchParts.Sqlite))
                await SqliteAsync(kinesis, directory, ct);
            if (size.Parts.HasFlag(BenchParts.Entities))
                await EntitiesAsync(directory, ct);
            if (postgres is not null)
                await PostgresAsync(kinesis, postgres, ct);
            else
                _notes.Add("PostgreSQL figures and failover not run (--no-postgres or --only).");
        }
        finally
        {
            if (postgres is not null)
                await postgres.DisposeAsync();
            await kinesis.DisposeAsync();
        }
        _notes.Add("How the figures are kept honest (issue 14): throughput drains a backlog of many GetRecords batches per shard (above), " +
                   "so the steady state dominates; every pipeline row has its nodes' CPU time per event and the JIT compiler's part of it as " +
                   "figures of their own, measured after a warm-up that runs until the JIT compiler has settled (or says that it did not); " +
                   $"beside today's multi-row raw insert stands a prepared one (one statement reused, {PreparedTransactionRows:N0}-row transactions), " +
                   "the most the database takes, while the targets stay against the raw drain; PostgreSQL runs with its durability on; " +
                   $"latency is {size.LatencyProbes:N0} probes over {size.ProbeGames} games for the whole window, under a load that lasts it, with the load achieved beside " +
                   "the load requested; memory is in KB of 1,000 bytes, as the targets are; every `met` is computed from the figures.");
        return new BenchReport(size.Name, startedAt, clock.Elapsed, BenchMachine.Current(), _figures, _notes);
    }

    /// <summary>
    /// The one stream every pipeline row reads: 2 × <see cref="BenchSize.KinesisShards"/> shards, games chosen by the
    /// shard they land on until each timed shard holds <see cref="BenchSize.BacklogBatches"/> GetRecords batches and
    /// each warm-up shard <see cref="BenchSize.WarmUpBatches"/>. Filled once (kinesalite takes puts slowly); each
    /// row has a database of its own, so its nodes start from no checkpoint and no entity. Only this workload is
    /// ever put on the timed shards; the latency run and the extra warm-up rounds put theirs on the warm-up shards.
    /// </summary>
    private async Task FillAsync(KinesaliteFixture kinesis, CancellationToken ct)
    {
        using var client = kinesis.CreateClient();
        var stream = _stream = await BenchStream.CreateAsync(kinesis, client, size.KinesisShards, ct);
        var perBatch = _shipped.GetRecordsLimit;
        var targets = BenchStream.Each(stream.MeasuredShards, (long)Math.Ceiling(size.BacklogBatches * perBatch))
            .Concat(BenchStream.Each(stream.WarmShards, (long)Math.Ceiling(size.WarmUpBatches * perBatch)))
            .ToDictionary(p => p.Key, p => p.Value);
        progress($"generating the throughput workload ({targets.Values.Sum():N0}+ events)");
        var workload = stream.Choose(seed: 1, size.PlaysPerGame, targets, registrations: true);
        progress($"filling a stream of {stream.ShardCount} shards with {workload.Count:N0} events");
        var filling = Stopwatch.StartNew();
        PutResult put;
        await using (var producer = new KinesisProducer(client, new KinesisProducerOptions(stream.Name)))
            put = await stream.PutAllAsync(producer, workload.Records, ct);
        var measured = put.Records.Select(r => stream.MeasuredShards.Contains(r.ShardId!)).ToList();
        _warmPlan = workload.Plan.Where((_, i) => !measured[i]).ToList();
        _measuredPlan = workload.Plan.Where((_, i) => measured[i]).ToList();

        var backlog = stream.MeasuredShards.Select(s => stream.PutOn([s])).ToList();
        _notes.Add($"Throughput workload: {workload.Count:N0} events ({workload.Season.Registrations.Count} player registrations, " +
                   $"{workload.Season.Games.Count:N0} games of about {workload.Season.Games.Average(g => g.Events.Count):0} events, 1% corrections), " +
                   $"put once ({filling.Elapsed.TotalSeconds:0} s) into one stream of {stream.ShardCount} shards that every pipeline row reads with a " +
                   $"database of its own. Timed backlog: {_measuredPlan.Count:N0} events on {stream.MeasuredShards.Count} shards, " +
                   $"{backlog.Min():N0}–{backlog.Max():N0} per shard = {backlog.Min() / (double)perBatch:0.##}–{backlog.Max() / (double)perBatch:0.##} " +
                   $"GetRecords batches of {perBatch:N0} (get-records-limit of the shipped akka.hocon, which the nodes read unchanged; " +
                   "the raw drain uses it too)" +
                   (backlog.Min() >= 10 * perBatch
                       ? ", so the first and last batch of a shard weigh little. "
                       : $": at least {size.BacklogBatches:0.##} batches in this `{size.Name}` run, fewer than the 10 of the full run. ") +
                   "The nodes first warm up on the other " +
                   $"{stream.WarmShards.Count} shards ({_warmPlan.Count:N0} events, plus what earlier rows put there).");
    }

    private async Task SqliteAsync(KinesaliteFixture kinesis, TempDirectory directory, CancellationToken ct)
    {
        var sqlite = $"sqlite:{directory.File("pipeline.db")}";
        await ThroughputAsync(kinesis, sqlite, "1 node, SQLite", nodes: 1, drainTarget: 0.8, oneNode: null, async (bench, perSecond) =>
        {
            var rate = size.LatencyRate ?? perSecond / 2;
            var ramp = TimeSpan.FromSeconds(Math.Clamp(size.LatencyDuration.TotalSeconds / 10, 1, 5));
            // Enough load for the ramp, the window and the wait for its last probes, on the warm-up shards.
            var loadEvents = (long)(rate * (ramp + size.LatencyDuration + TimeSpan.FromSeconds(15)).TotalSeconds);
            progress($"latency: generating {loadEvents:N0} events of load and {size.ProbeGames} probe games");
            var stream = _stream!;
            var load = stream.Choose(seed: 2, size.PlaysPerGame,
                BenchStream.Each(stream.WarmShards, (long)Math.Ceiling(loadEvents / (double)stream.WarmShards.Count)), registrations: false);
            var probeGames = stream.ChooseWarmGames(seed: 3, size.ProbeGames,
                playsPerGame: (int)Math.Ceiling(size.LatencyProbes / (double)size.ProbeGames) + 8, correctionRate: 0);
            progress($"latency: {size.LatencyProbes} probes over {size.LatencyDuration.TotalSeconds:0} s at {rate:0} events/s of load");
            var run = await bench.LatencyAsync(stream, load, probeGames, rate, ramp, size.LatencyDuration, size.LatencyProbes, ct);
            AddLatency(run, ramp);
        }, ct);

        progress("replay");
        var replay = await EntityBench.ReplayAsync(DatabaseTarget.Parse(sqlite), ct);
        var cost = await EntityBench.ReplayCostAsync(DatabaseTarget.Parse(sqlite), ct);
        if (cost.Events != replay.Events || cost.Rows != replay.Rows)
            throw new InvalidOperationException($"the replay counted {replay.Events} events in {replay.Rows} rows, its cost split {cost.Events} in {cost.Rows}");
        var ofRaw = replay.ReplayPerSecond / replay.RawReadPerSecond;
        _figures.Add(new BenchFigure("replay (rebuild every game and player from the journal, SQLite)", replay.ReplayPerSecond, "events/s",
            [new BenchBaseline("raw read of the same rows", replay.RawReadPerSecond, "events/s", ofRaw)],
            "≥ 0.5 × raw read", ofRaw >= 0.5,
            $"{replay.Events:N0} events in {replay.Rows:N0} journal rows ({replay.Events / (double)replay.Rows:0.0} events per row: a Game row holds one " +
            $"delivery's events) of {replay.Entities:N0} entities, 8 entities at a time; the raw read is counted in the events its rows hold, " +
            $"not in rows. At most {Environment.ProcessorCount * 1e6 / replay.ReplayPerSecond:0.0} µs of CPU per event (wall time × " +
            $"{Environment.ProcessorCount} cores), against {1e6 / replay.RawReadPerSecond:0.00} µs on one core for the raw read. The same " +
            $"{cost.Events:N0} events on one thread from memory: {cost.DeserializeMicros:0.0} µs each to deserialize ({cost.ByManifest}), " +
            $"{cost.ApplyMicros:0.0} µs to apply."));
    }

    private async Task EntitiesAsync(TempDirectory directory, CancellationToken ct)
    {
        progress($"recovery of a {size.RecoveryEvents}-event game");
        var recovery = await EntityBench.RecoveryAsync(DatabaseTarget.Parse($"sqlite:{directory.File("recovery.db")}"), size.RecoveryEvents, ct);
        var speedup = recovery.WithoutSnapshotMs / recovery.WithSnapshotMs;
        _figures.Add(new BenchFigure($"recovery of a {recovery.Events:N0}-event game with its snapshot (SQLite)", recovery.WithSnapshotMs, "ms",
            [new BenchBaseline("the same game without a snapshot", recovery.WithoutSnapshotMs, "ms", speedup)],
            "snapshot ≥ 20× faster", speedup >= 20,
            "Entity start → first answer; median of 3 after a warm-up; snapshots every 100 events (shipped); the game was written in " +
            "deliveries of 100 events (one journal row each). Of the recovery with the snapshot, deserializing the snapshot " +
            $"({recovery.SnapshotBytes:N0} bytes, manifest {recovery.SnapshotManifest}) into the state takes {recovery.SnapshotDecodeMs:0.00} ms on its own " +
            "(median of 5 after a warm-up, no database or actor)."));

        progress($"memory of {size.MemoryGames} live games");
        var memory = await EntityBench.MemoryAsync(DatabaseTarget.Parse($"sqlite:{directory.File("memory.db")}"),
            DatabaseTarget.Parse($"sqlite:{directory.File("memory-warm-up.db")}"), size.MemoryGames, ct);
        // KB as the targets say: 1 KB = 1,000 bytes (the KiB are in the note).
        _figures.Add(new BenchFigure($"memory per live Game entity (a full game, {memory.EventsPerGame:0} events)", memory.BytesPerGame / 1000, "KB",
            [], "≤ 32 KB", memory.BytesPerGame <= 32 * 1000,
            $"{memory.Games} games alive at once; managed heap after full collections; {memory.BytesPerGame:N0} bytes = " +
            $"{memory.BytesPerGame / 1024:0.##} KiB (1 KB = 1,000 bytes: the target ≤ 32 KB is ≤ 31.25 KiB)."));
        _figures.Add(new BenchFigure($"memory per live Player entity ({memory.GamesPerPlayer:0.#} games each)", memory.BytesPerPlayer / 1000, "KB",
            [], "≤ 4 KB", memory.BytesPerPlayer <= 4 * 1000,
            $"{memory.Players} players; {memory.BytesPerPlayer:N0} bytes = {memory.BytesPerPlayer / 1024:0.##} KiB (≤ 4 KB is ≤ 3.91 KiB)."));
    }

    private async Task PostgresAsync(KinesaliteFixture kinesis, PostgresFixture postgres, CancellationToken ct)
    {
        var onePg = "postgres:" + await postgres.CreateDatabaseAsync(ct);
        var durability = postgres.Durable ? "durability on" : "durability off";
        _notes.Add($"PostgreSQL: {durability} for the bench (the tests run theirs with it off); the server reports " +
                   $"{await DurabilitySettingsAsync(postgres.AdminConnectionString, ct)}. SQLite runs as shipped: WAL with synchronous=NORMAL " +
                   "(a commit survives kill -9 of the node, not a power cut).");
        var one = await ThroughputAsync(kinesis, onePg, $"1 node, PostgreSQL ({durability})", nodes: 1, drainTarget: 0.8, oneNode: null, null, ct);
        var threePg = "postgres:" + await postgres.CreateDatabaseAsync(ct);
        await ThroughputAsync(kinesis, threePg, $"3 nodes, PostgreSQL ({durability})", nodes: 3, drainTarget: 0.6, oneNode: one, async (bench, _) =>
        {
            progress("failover: kill -9 of one of three nodes");
            // Enough games that every shard of the dead node gets some (the bench sends only those).
            var trickle = Workload.Create(48, size.PlaysPerGame, seed: 4, registrations: false);
            var failover = await bench.FailoverAsync(_stream!, trickle, ct);
            _figures.Add(new BenchFigure("failover: kill -9 of one of 3 nodes → a survivor reads its shard again", failover.TotalSeconds, "s",
                [], "≤ 15 s", failover.TotalSeconds <= 15, "Records arriving throughout; measured on the 3-node PostgreSQL cluster above."));
        }, ct);
    }

    private static async Task<string> DurabilitySettingsAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var settings = new List<string>();
        foreach (var name in new[] { "fsync", "synchronous_commit", "full_page_writes" })
        {
            await using var show = new NpgsqlCommand($"SHOW {name}", connection);
            settings.Add($"{name}={await show.ExecuteScalarAsync(ct)}");
        }
        return string.Join(", ", settings);
    }

    /// <param name="PerSecond">Events/s of the timed drain.</param>
    /// <param name="CpuMicros">The nodes' CPU time per event of the timed drain.</param>
    private sealed record ThroughputResult(double PerSecond, double CpuMicros, string Label);

    /// <summary>
    /// One pipeline row: its baselines, then the nodes warmed up and the timed drain, as four figures: throughput
    /// (beside the raw drain, both raw inserts and, for 3 nodes, the 1-node figure), the nodes' CPU time per event,
    /// and the JIT compiler's part of it. The baselines are measured on the timed shards' records, each after a
    /// warm-up: the raw drain of those shards (after two batches of each warm-up shard), and two raw inserts of
    /// their events into the database the nodes use (each after inserting the warm-up shards' events).
    /// </summary>
    /// <param name="drainTarget">The target: throughput ≥ this × raw drain.</param>
    /// <param name="oneNode">For 3 nodes: the 1-node figure of the same database, which the target also compares with (≥ 0.75×).</param>
    /// <param name="then">Runs on the warm nodes after the drain (latency, failover), with the drain's events/s.</param>
    private async Task<ThroughputResult> ThroughputAsync(KinesaliteFixture kinesis, string journal, string label, int nodes, double drainTarget,
        ThroughputResult? oneNode, Func<PipelineBench, double, Task>? then, CancellationToken ct)
    {
        var stream = _stream!;
        var limit = _shipped.GetRecordsLimit;
        var expected = stream.PutOn(stream.MeasuredShards);
        double rawDrain, rawInsert, preparedInsert;
        var database = DatabaseTarget.Parse(journal);
        // The journal's parallelism on each: SQLite allows one writer (the node forces 1), PostgreSQL the shipped setting.
        var writers = database.Kind == DatabaseKind.Sqlite ? 1 : _shipped.JournalParallelism;
        using (var client = kinesis.CreateClient())
        {
            progress($"{label}: raw drain of {expected:N0} records");
            await Baselines.RawDrainAsync(client, stream.Name, stream.WarmShards, 0, limit, ct, maxBatches: 2);
            rawDrain = await Baselines.RawDrainAsync(client, stream.Name, stream.MeasuredShards, expected, limit, ct);
            progress($"{label}: raw inserts");
            await Baselines.RawInsertAsync(database, _warmPlan, _shipped.JournalBatchSize, writers, ct);
            rawInsert = await Baselines.RawInsertAsync(database, _measuredPlan, _shipped.JournalBatchSize, writers, ct);
            await Baselines.PreparedInsertAsync(database, _warmPlan, PreparedTransactionRows, writers, ct);
            preparedInsert = await Baselines.PreparedInsertAsync(database, _measuredPlan, PreparedTransactionRows, writers, ct);
        }

        progress($"{label}: starting {nodes} node(s)");
        await using var bench = await PipelineBench.StartAsync(kinesis, journal, stream.Name, stream.ShardCount, nodes, ct);
        var warmUp = await WarmUpAsync(bench, label, ct);
        var spread = "";
        if (nodes > 1)
        {
            var readers = await bench.Cluster.ReadersAsync();
            var perNode = Enumerable.Range(0, nodes).Select(n => stream.MeasuredShards.Count(s => readers.GetValueOrDefault(s)?.Contains(n) == true));
            spread = $" The timed shards were read by the nodes {string.Join(" / ", perNode)}.";
        }
        progress($"{label}: draining {expected:N0} events");
        var (perSecond, elapsed, used) = await bench.DrainAsync(stream.MeasuredShards, expected, StepTimeout, ct);

        var writerText = $"{writers} writer{(writers > 1 ? "s" : "")}";
        var ofDrain = perSecond / rawDrain;
        List<BenchBaseline> baselines =
        [
            new("raw drain", rawDrain, "records/s", ofDrain),
            new($"raw insert, multi-row ({_shipped.JournalBatchSize} rows per INSERT, {writerText})", rawInsert, "rows/s", perSecond / rawInsert),
            new($"raw insert, prepared (1 statement reused, {PreparedTransactionRows:N0}-row transactions{(database.Kind == DatabaseKind.Postgres ? " sent as one pipelined batch" : "")}, {writerText})", preparedInsert, "rows/s",
                perSecond / preparedInsert),
        ];
        var target = $"≥ {drainTarget} × raw drain";
        var met = ofDrain >= drainTarget;
        if (oneNode is not null)
        {
            var ofOne = perSecond / oneNode.PerSecond;
            baselines.Add(new BenchBaseline(oneNode.Label + " (same run)", oneNode.PerSecond, "events/s", ofOne));
            target += ", ≥ 0.75 × 1 node";
            met = met && ofOne >= 0.75;
        }
        _figures.Add(new BenchFigure($"pipeline throughput, {label}", perSecond, "events/s", baselines, target, met,
            $"{expected:N0} events on {stream.MeasuredShards.Count} shards in {elapsed.TotalSeconds:0.0} s, first record read → last record durable " +
            $"(after the warm-up below).{spread} The targets compare with the raw drain only; the raw inserts write the same events as one " +
            "row each (the journal writes one row per delivery), to show what the database takes."));

        var cpuMicros = used.CpuSeconds * 1e6 / expected;
        var jitMicros = used.JitSeconds * 1e6 / expected;
        var sqliteOneNode = nodes == 1 && database.Kind == DatabaseKind.Sqlite;
        _figures.Add(new BenchFigure($"node CPU per event, {label}", cpuMicros, "µs/event", [],
            sqliteOneNode ? "≤ 40 µs" : "—", sqliteOneNode ? cpuMicros <= 40 : null,
            $"The node process{(nodes > 1 ? "es'" : "'s")} CPU time (process_cpu_seconds_total{(nodes > 1 ? ", summed" : "")}) over the timed drain ÷ its " +
            $"{expected:N0} events, JIT compiler included: {used.CpuSeconds:0.0} s of CPU in {elapsed.TotalSeconds:0.0} s. {warmUp}"));
        _figures.Add(new BenchFigure($"JIT compiler time per event, {label}", jitMicros, "µs/event",
            [new BenchBaseline("share of the node CPU per event", cpuMicros, "µs/event", used.JitShare)], "—", null,
            $"{used.JitSeconds:0.00} s in the JIT compiler during the timed drain (system_runtime_dotnet_jit_compilation_time), " +
            $"{used.JitShare:0.0%} of the CPU time; the warm-up's JIT time is in the note of the CPU figure. The runtime counts the elapsed time " +
            "of its compilations, a compiling thread's waits for a core included, so on a loaded machine this share overstates the CPU " +
            "the JIT compiler took (and can pass 100%)."));

        var perEvent = used.AllocatedBytes / expected;
        _figures.Add(new BenchFigure($"node allocation per event, {label}", perEvent / 1000, "KB/event", [], "—", null,
            $"Bytes the node{(nodes > 1 ? "s" : "")} allocated on the managed heap over the timed drain ({PipelineBench.AllocatedBytes}" +
            $"{(nodes > 1 ? ", summed" : "")}) ÷ its {expected:N0} events: {perEvent:N0} bytes, {used.AllocatedBytes / 1e9:0.00} GB in all; threads paused " +
            $"for collections {used.GcPauseSeconds:0.0} s ({PipelineBench.GcPauseSeconds}), {used.GcPauseSeconds / elapsed.TotalSeconds:0%} of the drain's " +
            $"{elapsed.TotalSeconds:0.0} s{(nodes > 1 ? " summed over the nodes" : "")}. Unlike the CPU per event, it does not depend on what else runs on the machine."));

        var result = new ThroughputResult(perSecond, cpuMicros, label);
        if (then is not null)
            await then(bench, perSecond);
        return result;
    }

    /// <summary>
    /// The warm-up of a row's fresh nodes: they drain the warm-up shards (everything put there so far), then, while
    /// the JIT compiler still took more than <see cref="BenchSize.JitSettled"/> of their CPU over the last
    /// <see cref="BenchSize.JitWindow"/>, another round of new games is put there and processed, up to
    /// <see cref="BenchSize.WarmUpRounds"/> rounds. Returns the sentence for the notes.
    /// </summary>
    private async Task<string> WarmUpAsync(PipelineBench bench, string label, CancellationToken ct)
    {
        var stream = _stream!;
        var backlog = stream.PutOn(stream.WarmShards);
        progress($"{label}: warming up on {backlog:N0} events");
        var round = await bench.WarmUpAsync(stream.WarmShards, backlog, size.JitWindow, StepTimeout, ct);
        var total = round.Total;
        var rounds = 0;
        while (round.Tail.JitShare > size.JitSettled && rounds < size.WarmUpRounds)
        {
            rounds++;
            var extra = stream.Choose(seed: 100 + _warmUpRounds++, size.PlaysPerGame,
                BenchStream.Each(stream.WarmShards, (long)Math.Ceiling(size.WarmUpRoundBatches * _shipped.GetRecordsLimit)), registrations: false);
            progress($"{label}: JIT at {round.Tail.JitShare:0.0%} of the CPU; warm-up round {rounds} of {extra.Count:N0} events");
            var start = await bench.MetersAsync();
            await using (var producer = new KinesisProducer(bench.Client, new KinesisProducerOptions(stream.Name)))
                await stream.PutAllAsync(producer, extra.Records, ct); // the nodes read them as they arrive
            round = await bench.AwaitProcessedAsync(start, start.Processed + extra.Count, size.JitWindow, StepTimeout, ct);
            total += round.Total;
            backlog += extra.Count;
        }
        var settled = round.Tail.JitShare <= size.JitSettled;
        return $"Warm-up before it: {backlog:N0} events on the warm-up shards, in {1 + rounds} round{(rounds > 0 ? "s" : "")} " +
               $"({total.At.TotalSeconds:0} s), {total.JitSeconds:0.0} s of JIT compiler time of {total.CpuSeconds:0.0} s of CPU; " +
               $"over its last {size.JitWindow.TotalSeconds:0} s the JIT took {round.Tail.JitShare:0.0%} of the CPU " +
               (settled
                   ? $"(settled: at most {size.JitSettled:0%})."
                   : $"(NOT settled after {size.WarmUpRounds} extra round{(size.WarmUpRounds == 1 ? "" : "s")}: the threshold is {size.JitSettled:0%}).");
    }

    private void AddLatency(PipelineBench.LatencyRun run, TimeSpan ramp)
    {
        if (run.Latencies.Count == 0)
            throw new InvalidOperationException("the latency run measured no probe");
        var sorted = run.Latencies.Order().ToArray();
        double Percentile(double p) => Nearest(sorted, p);
        var puts = run.PutMillis.Order().ToArray();
        var load = size.LatencyRate is null ? "half of the 1-node SQLite saturation above" : "fixed by --latency-rate";
        var note = $"Started once the league projections had caught up with the drain before it ({run.ReadSideSettled.TotalSeconds:0} s after it: " +
                   "the games in the standings unchanged for 3 s), so the read side's backlog is not measured as latency. " +
                   $"{sorted.Length:N0} probes over {run.Window.TotalSeconds:0.0} s, spread over {size.ProbeGames} games (one event each, " +
                   $"a game at most one probe at a time), sent on a fixed schedule whether or not the earlier ones were visible " +
                   $"({(run.Late == 0 ? "none" : $"{run.Late:N0}")} late because every game still waited for one); each is timed from its " +
                   $"put being acknowledged to the first GET /api/games/{{id}} showing it as the game's last event" +
                   (run.Unseen == 0 ? "" : $" ({run.Unseen:N0} NOT visible within {PipelineBench.UnseenAfter.TotalSeconds:0} s: counted at that value, so the percentiles are lower bounds)") +
                   ". A game is asked only while its " +
                   $"probe is outstanding, every {PipelineBench.ProbePollInterval.TotalMilliseconds:0} ms while at most " +
                   $"{PipelineBench.ProbeGetsPerSecond * PipelineBench.ProbePollInterval.TotalSeconds:0} are outstanding and less often beyond, so that " +
                   $"all probes together ask at most {PipelineBench.ProbeGetsPerSecond:0} times a second and do not load the node they measure " +
                   $"({run.Gets / run.Window.TotalSeconds:0} GETs/s in all; the longest wait between two asks was " +
                   $"{run.LongestPoll.TotalMilliseconds:0} ms, the most a figure can be late by). The probes' own puts took {Nearest(puts, 0.5):0} ms at p50 and " +
                   $"{Nearest(puts, 0.99):0} ms at p99 (not counted). Load: {run.Requested:0} events/s requested ({load}), started {ramp.TotalSeconds:0} s " +
                   $"before the first probe and sent until the last one was seen{(run.LoadLasted ? "" : " — NO: it ran out before the window ended")}; " +
                   $"in the window Kinesis acknowledged {run.PutPerSecond:0} of them per second and the node processed {run.ProcessedPerSecond:0} records/s. " +
                   $"Meanwhile a Game's journal write (persist → durable, the node's histogram) took ≤ {run.GameWriteQuantiles[0]:0} ms at p50 and " +
                   $"≤ {run.GameWriteQuantiles[1]:0} ms at p99; a league projection transaction (which holds the same SQLite write lock) " +
                   $"≤ {run.ProjectionWriteQuantiles[0]:0} ms and ≤ {run.ProjectionWriteQuantiles[1]:0} ms.";
        const string where = "1 node, SQLite";
        _figures.Add(new BenchFigure($"latency put→visible p50, {where}", Percentile(0.50), "ms", [], "≤ 150 ms", Percentile(0.50) <= 150, note));
        _figures.Add(new BenchFigure($"latency put→visible p95, {where}", Percentile(0.95), "ms", [], "—", null));
        _figures.Add(new BenchFigure($"latency put→visible p99, {where}", Percentile(0.99), "ms", [], "≤ 250 ms", Percentile(0.99) <= 250));
        _figures.Add(new BenchFigure($"latency put→visible p99.9, {where}", Percentile(0.999), "ms", [], "—", null,
            sorted.Length < 1000 ? $"Only {sorted.Length} probes: p99.9 is the slowest of them." : ""));
        _figures.Add(new BenchFigure($"load during the latency window, {where}", run.ProcessedPerSecond, "events/s",
            [
                new BenchBaseline($"requested ({(size.LatencyRate is null ? "half the saturation" : "--latency-rate")})", run.Requested, "events/s",
                    run.ProcessedPerSecond / run.Requested),
                new BenchBaseline("acknowledged puts of the load", run.PutPerSecond, "events/s", run.ProcessedPerSecond / run.PutPerSecond),
            ],
            "—", null, "Records the node processed per second between the first probe and the last one seen (the load's and the probes')."));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Nearest(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
