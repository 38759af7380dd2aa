// The pipeline measured end to end through real node processes: Kinesis (kinesalite) → shard readers →
// sharded entities → SQL journal. Throughput at saturation, latency at half of it, failover after kill -9.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Ingress.Checkpoints;
using Basketball.Kinesis;
using Basketball.Storage;

namespace Basketball.Bench;

public sealed class PipelineBench : IAsyncDisposable
{
    // The shipped akka.hocon, with two timings shortened: readers notice the start signal (a checkpoint reset,
    // below) within a second instead of five. Everything on the data path keeps its production value.
    private const string Hocon = """
        basketball.ingress { shard-discovery-interval = 500ms, lease-check-every = 500ms }
        """;

    private readonly KinesaliteFixture _kinesis;
    private readonly DatabaseTarget _database;
    private readonly SqlCheckpointStore _checkpoints;

    private PipelineBench(KinesaliteFixture kinesis, DatabaseTarget database, string stream, NodeCluster cluster, KinesisClient client)
    {
        _kinesis = kinesis;
        _database = database;
        _checkpoints = new SqlCheckpointStore(database);
        Stream = stream;
        Cluster = cluster;
        Client = client;
    }

    public string Stream { get; }

    public NodeCluster Cluster { get; }

    public KinesisClient Client { get; }

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes on <paramref name="journal"/> reading <paramref name="stream"/>, which
    /// already holds the workload. Every shard is first set to start at LATEST, so the nodes form, spread the
    /// readers and sit idle; <see cref="WarmUpAsync"/> and <see cref="DrainAsync"/> then reset shards to TRIM_HORIZON.
    /// </summary>
    public static async Task<PipelineBench> StartAsync(KinesaliteFixture kinesis, string journal, string stream, int shards, int nodes,
        CancellationToken ct)
    {
        var database = DatabaseTarget.Parse(journal);
        var checkpoints = new SqlCheckpointStore(database);
        await checkpoints.EnsureCreatedAsync(ct);
        var client = kinesis.CreateClient();
        foreach (var shard in await client.ListShardsAsync(stream, ct))
            await checkpoints.ResetAsync(stream, shard.ShardId, ShardStartPosition.Latest, ct);

        var env = kinesis.NodeEnvironment(stream);
        env["BASKETBALL_JOURNAL"] = journal;
        var cluster = await NodeCluster.StartAsync(nodes, env, Hocon + $"\nbasketball.ingress.readers = {shards}");
        var bench = new PipelineBench(kinesis, database, stream, cluster, client);
        await bench.AwaitReadersAsync(shards, spread: Math.Min(nodes, shards), TimeSpan.FromSeconds(90));
        return bench;
    }

    /// <summary>Every shard has exactly one reader, over <paramref name="spread"/> nodes or more.</summary>
    public async Task AwaitReadersAsync(int shards, int spread, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var readers = await Cluster.ReadersAsync();
            if (readers.Count == shards && readers.Values.All(n => n.Count == 1) && readers.Values.Select(n => n[0]).Distinct().Count() >= spread)
                return;
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"readers not settled after {timeout}: {JsonSerializer.Serialize(readers)}");
            await Task.Delay(200);
        }
    }

    /// <summary>What the nodes have done so far, summed over the running nodes, read from one /metrics scrape each.</summary>
    /// <param name="Processed">Records processed (basketball_records_read_total: it moves after the entities' journal writes).</param>
    /// <param name="CpuSeconds">CPU time of the node processes.</param>
    /// <param name="JitSeconds">Time the nodes spent in the JIT compiler (the runtime's own meter).</param>
    /// <param name="AllocatedBytes">Bytes the nodes allocated on the managed heap (the runtime's own meter).</param>
    /// <param name="GcPauseSeconds">Time the nodes' threads were paused for garbage collections (the runtime's own meter).</param>
    /// <param name="At">When it was read (the bench's clock).</param>
    public readonly record struct Meters(double Processed, double CpuSeconds, double JitSeconds, double AllocatedBytes, double GcPauseSeconds, TimeSpan At)
    {
        public static Meters operator -(Meters a, Meters b) =>
            new(a.Processed - b.Processed, a.CpuSeconds - b.CpuSeconds, a.JitSeconds - b.JitSeconds, a.AllocatedBytes - b.AllocatedBytes,
                a.GcPauseSeconds - b.GcPauseSeconds, a.At - b.At);

        public static Meters operator +(Meters a, Meters b) =>
            new(a.Processed + b.Processed, a.CpuSeconds + b.CpuSeconds, a.JitSeconds + b.JitSeconds, a.AllocatedBytes + b.AllocatedBytes,
                a.GcPauseSeconds + b.GcPauseSeconds, a.At + b.At);

        /// <summary>The JIT compiler's share of the CPU time (0 when no CPU time passed).</summary>
        public double JitShare => CpuSeconds > 0 ? JitSeconds / CpuSeconds : 0;
    }

    /// <summary>A stretch of processing: all of it, and its last part (by which the JIT compiler is judged settled).</summary>
    public sealed record Stretch(Meters Total, Meters Tail);

    private const string Processed = "basketball_records_read_total";
    private const string CpuSeconds = "process_cpu_seconds_total";

    /// <summary>The nodes' time spent in the JIT compiler so far (the runtime's own meter).</summary>
    public const string JitSeconds = "system_runtime_dotnet_jit_compilation_time";

    /// <summary>The nodes' managed allocations so far, in bytes (the runtime's own meter).</summary>
    public const string AllocatedBytes = "system_runtime_dotnet_gc_heap_total_allocated";

    /// <summary>The nodes' time paused for garbage collections so far, in seconds (the runtime's own meter).</summary>
    public const string GcPauseSeconds = "system_runtime_dotnet_gc_pause_time";

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task<Meters> MetersAsync()
    {
        double processed = 0, cpu = 0, jit = 0, allocated = 0, paused = 0;
        foreach (var node in Cluster.Running)
        {
            var text = await node.Http.GetStringAsync("/metrics");
            processed += Sum(text, Processed);
            cpu += Sum(text, CpuSeconds);
            jit += Sum(text, JitSeconds);
            allocated += Sum(text, AllocatedBytes);
            paused += Sum(text, GcPauseSeconds);
        }
        return new Meters(processed, cpu, jit, allocated, paused, _clock.Elapsed);
    }

    /// <summary>The sum of the samples of <paramref name="name"/> in a Prometheus text (as <see cref="NodeCluster.MetricAsync(NodeProcess, string)"/>).</summary>
    private static double Sum(string text, string name) => text.Split('\n')
        .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is ' ' or '{')
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// A warm-up round: resets the <paramref name="shards"/> to TRIM_HORIZON and waits until the nodes have processed
    /// <paramref name="expected"/> more records. A node that has just started runs code the JIT compiler has not
    /// yet optimised, and its entities and connections are new; the drain timed afterwards is to measure the
    /// pipeline's steady state (the suite adds rounds until the JIT compiler has settled).
    /// </summary>
    public async Task<Stretch> WarmUpAsync(IReadOnlyList<string> shards, long expected, TimeSpan tail, TimeSpan timeout, CancellationToken ct)
    {
        var before = await MetersAsync();
        await Task.WhenAll(shards.Select(s => _checkpoints.ResetAsync(Stream, s, ShardStartPosition.TrimHorizon, ct)));
        return await AwaitProcessedAsync(before, before.Processed + expected, tail, timeout, ct);
    }

    /// <summary>
    /// Waits until the nodes' processed counter reaches <paramref name="target"/>, sampling the meters twice a second;
    /// returns everything since <paramref name="start"/> and the last <paramref name="tail"/> of it.
    /// </summary>
    public async Task<Stretch> AwaitProcessedAsync(Meters start, double target, TimeSpan tail, TimeSpan timeout, CancellationToken ct)
    {
        var samples = new List<Meters> { start };
        var deadline = Stopwatch.StartNew();
        while (samples[^1].Processed < target)
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{target - start.Processed:N0} records not processed within {timeout} (still {target - samples[^1].Processed:N0} to go)");
            await Task.Delay(500, ct);
            samples.Add(await MetersAsync());
        }
        var end = samples[^1];
        var tailStart = samples.LastOrDefault(m => end.At - m.At >= tail, samples[0]);
        return new Stretch(end - start, end - tailStart);
    }

    /// <summary>
    /// Resets the <paramref name="shards"/> to TRIM_HORIZON and waits until the nodes have processed
    /// <paramref name="expected"/> more records (durably: the records counter moves after the entities' journal
    /// writes). Returns events/s from the first record read to the last one processed, and the nodes' meters over
    /// that time: their CPU time (a figure that the other processes sharing the machine disturb far less than the
    /// wall clock) and how much of it the JIT compiler took.
    /// </summary>
    public async Task<(double PerSecond, TimeSpan Elapsed, Meters Used)> DrainAsync(IReadOnlyList<string> shards, long expected,
        TimeSpan timeout, CancellationToken ct)
    {
        var before = await MetersAsync();
        var readBefore = await Cluster.RecordsReadAsync();
        await Task.WhenAll(shards.Select(s => _checkpoints.ResetAsync(Stream, s, ShardStartPosition.TrimHorizon, ct)));

        var deadline = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstRead = null;
        while (firstRead is null)
        {
            if (await Cluster.RecordsReadAsync() > readBefore)
                firstRead = clock.Elapsed;
            else
                await Task.Delay(10, ct);
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"no record read within {timeout} of the reset");
        }
        while (await Cluster.MetricAsync(Processed) - before.Processed < expected)
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{expected} records not processed within {timeout}");
            await Task.Delay(100, ct); // /metrics costs the node CPU: polled often it would slow what it measures
        }
        var elapsed = clock.Elapsed - firstRead.Value;
        var used = await MetersAsync() - before;
        return (expected / elapsed.TotalSeconds, elapsed, used);
    }

    /// <param name="Latencies">ms from each probe's put being acknowledged to the GET that first showed it.</param>
    /// <param name="PutMillis">ms of each probe's put (PutRecord call → acknowledgement).</param>
    /// <param name="Window">From the first probe to the last probe seen.</param>
    /// <param name="Requested">Events/s the load was asked for.</param>
    /// <param name="PutPerSecond">Load records acknowledged by Kinesis during the window, per second.</param>
    /// <param name="ProcessedPerSecond">Records the node processed during the window (load and probes), per second.</param>
    /// <param name="Gets">GET /api/games/{id} calls of the probes, in the window.</param>
    /// <param name="Late">Probes sent after their time because every probe game still had one outstanding.</param>
    /// <param name="LoadLasted">Whether the load was still being sent when the window ended.</param>
    public sealed record LatencyRun(List<double> Latencies, List<double> PutMillis, TimeSpan Window, double Requested, double PutPerSecond,
        double ProcessedPerSecond, long Gets, TimeSpan LongestPoll, int Late, bool LoadLasted, int Unseen, double[] GameWriteQuantiles, double[] ProjectionWriteQuantiles,
        TimeSpan ReadSideSettled);

    /// <summary>
    /// Waits until the league projections have caught up with what the drain wrote: the games counted in the standings
    /// stop changing for 3 s. A drain of 300,000 events leaves the read side minutes of rows behind the entities, and
    /// its catch-up (reading, decoding and writing under SQLite's one write lock) would be measured as the latency of
    /// the next run: the steady state the latency figures speak of has no such backlog. Answers how long it took.
    /// </summary>
    public async Task<TimeSpan> ReadSideSettledAsync(CancellationToken ct)
    {
        var node = Cluster.Nodes[0]!;
        var clock = Stopwatch.StartNew();
        var (last, since) = (-1, TimeSpan.Zero);
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var standings = await node.Http.GetFromJsonAsync<JsonElement>("/api/standings", ct);
            var games = standings.EnumerateArray().Sum(t => t.GetProperty("wins").GetInt32());
            if (games != last)
                (last, since) = (games, clock.Elapsed);
            else if (games > 0 && clock.Elapsed - since >= TimeSpan.FromSeconds(3))
                return since;
            await Task.Delay(250, ct);
        }
        throw new TimeoutException($"the league projections did not settle within 5 minutes of the drain ({last} games in the standings)");
    }

    /// <summary>How often a probe's game is asked whether it shows the probe yet (only while that probe is outstanding).</summary>
    public static readonly TimeSpan ProbePollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The most GETs per second all outstanding probes make together: with more than 10 outstanding, each waits
    /// longer than <see cref="ProbePollInterval"/> (outstanding ÷ this), so that the probes do not themselves load the
    /// node they measure. A node that falls behind otherwise drew thousands of GETs/s, which slowed it further.
    /// </summary>
    public const double ProbeGetsPerSecond = 500;

    /// <summary>
    /// Latency at a steady rate. <paramref name="load"/> is put at <paramref name="rate"/> events/s from
    /// <paramref name="ramp"/> before the first probe until the last probe is seen. Meanwhile <paramref name="probes"/>
    /// probes are sent evenly over <paramref name="duration"/> (open loop: the next probe does not wait for the last),
    /// each one event of one of <paramref name="probeGames"/>' games in turn (a game has at most one probe outstanding,
    /// so its events stay in order). A probe is timed from its put being acknowledged to the first GET
    /// /api/games/{id} that shows it as the game's last event; its game is asked every <see cref="ProbePollInterval"/>
    /// while the probe is outstanding, never otherwise. Every record goes to <paramref name="stream"/>'s ledger.
    /// </summary>
    public async Task<LatencyRun> LatencyAsync(BenchStream stream, Workload load, Workload probeGames, double rate, TimeSpan ramp, TimeSpan duration,
        int probes, CancellationToken ct)
    {
        var settled = await ReadSideSettledAsync(ct);
        var node = Cluster.Nodes[0]!;
        var games = probeGames.Season.Games;
        // The probe games exist before the window: their first two events (scheduled, started) are put and seen.
        await Parallel.ForEachAsync(games, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (game, token) =>
        {
            foreach (var evt in game.Events.Take(2))
                stream.Count((await Client.PutRecordAsync(Stream, evt.AggregateId, Domain.Events.EventJson.Serialize(evt), cancellationToken: token)).ShardId);
            var seen = Stopwatch.StartNew();
            while (await LastEventIdAsync(node, game.GameId) != game.Events[1].EventId)
            {
                if (seen.Elapsed > TimeSpan.FromSeconds(60))
                    throw new TimeoutException($"probe game {game.GameId} not started within 60 s");
                await Task.Delay(50, token);
            }
        });

        var writesBefore = await HistogramAsync(node, GameWrites);
        var projectionBefore = await HistogramAsync(node, ProjectionWrites);
        await using var producer = new KinesisProducer(Client, new KinesisProducerOptions(Stream));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var acknowledged = new List<(TimeSpan At, int Records)>();
        var exhausted = false;
        var sender = Task.Run(async () =>
        {
            var tick = TimeSpan.FromMilliseconds(100);
            var sent = 0;
            var puts = new List<Task>();
            while (!stop.IsCancellationRequested)
            {
                var due = Math.Min(load.Count, (int)(rate * clock.Elapsed.TotalSeconds)) - sent;
                if (due > 0)
                {
                    var chunk = load.Records.Skip(sent).Take(due).ToList();
                    sent += chunk.Count;
                    puts.Add(producer.PutAsync(chunk, CancellationToken.None).ContinueWith(t =>
                    {
                        stream.Count(t.Result);
                        lock (acknowledged)
                            acknowledged.Add((clock.Elapsed, t.Result.SucceededCount));
                    }, TaskScheduler.Default));
                }
                if (sent == load.Count)
                {
                    exhausted = true;
                    break;
                }
                await Task.Delay(tick, CancellationToken.None);
            }
            await Task.WhenAll(puts);
        }, CancellationToken.None);

        await Task.Delay(ramp, ct);
        var windowStart = clock.Elapsed;
        var metersStart = await MetersAsync();
        var latencies = new List<double>();
        var putMillis = new List<double>();
        long gets = 0;
        var outstanding = 0;
        var longestPoll = ProbePollInterval;
        var late = 0;
        var unseen = 0;
        var next = games.Select(_ => 2).ToArray(); // each game's next event
        var busy = new bool[games.Count];
        var tasks = new List<Task>();
        var interval = duration / probes;
        var turn = 0;
        for (var i = 0; i < probes; i++)
        {
            var at = windowStart + interval * i;
            if (at > clock.Elapsed)
                await Task.Delay(at - clock.Elapsed, ct);
            int g;
            var waited = false;
            while (true)
            {
                lock (busy)
                {
                    if (Enumerable.Range(0, games.Count).All(k => next[k] >= games[k].Events.Count - 1))
                        throw new InvalidOperationException($"the {games.Count} probe games have no event left for probe {i + 1} of {probes}");
                    g = Enumerable.Range(0, games.Count).Select(k => (turn + k) % games.Count)
                        .FirstOrDefault(k => !busy[k] && next[k] < games[k].Events.Count - 1, -1);
                    if (g >= 0)
                    {
                        busy[g] = true;
                        turn = g + 1;
                        break;
                    }
                }
                // Every game still waits for its probe: this one goes late (counted) rather than out of order.
                waited = true;
                await Task.Delay(5, ct);
            }
            if (waited)
                late++;
            var evt = games[g].Events[next[g]++];
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var putAt = clock.Elapsed;
                    var put = await Client.PutRecordAsync(Stream, evt.AggregateId, Domain.Events.EventJson.Serialize(evt), cancellationToken: ct);
                    stream.Count(put.ShardId);
                    var ackAt = clock.Elapsed;
                    Interlocked.Increment(ref outstanding);
                    while (true)
                    {
                        Interlocked.Increment(ref gets);
                        var last = await LastEventIdAsync(node, evt.AggregateId);
                        if (last == evt.EventId)
                            break;
                        if (clock.Elapsed - ackAt > UnseenAfter)
                        {
                            // Not visible in time: counted at the limit (a lower bound, so no percentile flatters) and
                            // reported as unseen; the run goes on.
                            Interlocked.Increment(ref unseen);
                            break;
                        }
                        var poll = TimeSpan.FromSeconds(Math.Max(ProbePollInterval.TotalSeconds, Volatile.Read(ref outstanding) / ProbeGetsPerSecond));
                        lock (latencies)
                            longestPoll = poll > longestPoll ? poll : longestPoll;
                        await Task.Delay(poll, ct);
                    }
                    var seenAt = clock.Elapsed;
                    Interlocked.Decrement(ref outstanding);
                    lock (latencies)
                    {
                        latencies.Add((seenAt - ackAt).TotalMilliseconds);
                        putMillis.Add((ackAt - putAt).TotalMilliseconds);
                    }
                }
                finally
                {
                    lock (busy)
                        busy[g] = false;
                }
            }, ct));
        }
        await Task.WhenAll(tasks);
        var windowEnd = clock.Elapsed;
        var metersEnd = await MetersAsync();
        var lasted = !exhausted;
        await stop.CancelAsync();
        await sender;

        var window = windowEnd - windowStart;
        double putInWindow;
        lock (acknowledged)
            putInWindow = acknowledged.Where(a => a.At >= windowStart && a.At <= windowEnd).Sum(a => a.Records);
        var writes = Subtract(await HistogramAsync(node, GameWrites), writesBefore);
        var projection = Subtract(await HistogramAsync(node, ProjectionWrites), projectionBefore);
        return new LatencyRun(latencies, putMillis, window, rate, putInWindow / window.TotalSeconds,
            (metersEnd.Processed - metersStart.Processed) / window.TotalSeconds, gets, longestPoll, late, lasted, unseen,
            [Quantile(writes, 0.5), Quantile(writes, 0.99)], [Quantile(projection, 0.5), Quantile(projection, 0.99)], settled);
    }

    /// <summary>A probe not visible this long after its put is counted at this value and as unseen.</summary>
    public static readonly TimeSpan UnseenAfter = TimeSpan.FromSeconds(60);

    private const string GameWrites = "basketball_journal_write_seconds_bucket{type=\"game\"";
    private const string ProjectionWrites = "basketball_projection_write_seconds_bucket{";

    /// <summary>The cumulative buckets (upper bound in seconds → count) of one Prometheus histogram series.</summary>
    private static async Task<SortedDictionary<double, double>> HistogramAsync(NodeProcess node, string series)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in (await node.Http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith(series, StringComparison.Ordinal)))
        {
            var le = line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
            le = le[..le.IndexOf('"')];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, System.Globalization.CultureInfo.InvariantCulture);
            buckets[bound] = double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return buckets;
    }

    private static SortedDictionary<double, double> Subtract(SortedDictionary<double, double> after, SortedDictionary<double, double> before) =>
        new(after.ToDictionary(b => b.Key, b => b.Value - before.GetValueOrDefault(b.Key)));

    /// <summary>The upper bound of the bucket holding quantile <paramref name="q"/>, in ms (a histogram knows no more than that).</summary>
    private static double Quantile(SortedDictionary<double, double> cumulative, double q)
    {
        var total = cumulative.Count == 0 ? 0 : cumulative.Values.Max();
        foreach (var (bound, count) in cumulative)
            if (total > 0 && count >= q * total)
                return bound * 1000;
        return double.NaN;
    }

    /// <summary>
    /// kill -9 of the non-seed node reading the most shards while records keep arriving; the time until a
    /// survivor reads one of its shards again.
    /// </summary>
    public async Task<TimeSpan> FailoverAsync(BenchStream stream, Workload trickle, CancellationToken ct)
    {
        var readers = await Cluster.ReadersAsync();
        var victim = readers.Values.Select(n => n[0]).Where(n => n != 0).GroupBy(n => n).OrderByDescending(g => g.Count()).First().Key;
        var orphaned = readers.Where(r => r.Value.Contains(victim)).Select(r => r.Key).ToHashSet();
        var survivors = Enumerable.Range(0, Cluster.Nodes.Length).Where(i => i != victim).ToList();
        var before = await ReadByShardAsync(survivors);
        // Only records of the dead node's shards can show a survivor reading them: a trickle that missed them all
        // (a few games on a few of twelve shards) would wait for nothing.
        var keys = trickle.Records.Select(r => r.PartitionKey).Distinct().Where(key => orphaned.Contains(stream.ShardOf(key))).ToHashSet();
        var records = trickle.Records.Where(r => keys.Contains(r.PartitionKey)).ToList();
        if (records.Count == 0)
            throw new InvalidOperationException($"none of the trickle's {trickle.Records.Count} records lands on the dead node's shards {string.Join(", ", orphaned)}");

        await using var producer = new KinesisProducer(Client, new KinesisProducerOptions(Stream));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sender = Task.Run(async () =>
        {
            foreach (var chunk in records.Chunk(20))
            {
                if (stop.IsCancellationRequested)
                    return;
                stream.Count(await producer.PutAsync(chunk, CancellationToken.None));
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

        var killedAt = Stopwatch.StartNew();
        await Cluster.Nodes[victim]!.KillAsync();
        try
        {
            while (true)
            {
                var now = await ReadByShardAsync(survivors);
                if (orphaned.Any(shard => now.GetValueOrDefault(shard) > before.GetValueOrDefault(shard)))
                    return killedAt.Elapsed;
                if (killedAt.Elapsed > TimeSpan.FromSeconds(120))
                    throw new TimeoutException($"no survivor read the dead node's shards ({string.Join(", ", orphaned)}) within 120 s; " +
                        $"read by shard: {JsonSerializer.Serialize(now)}\n" +
                        string.Join("\n", survivors.Select(i => $"node {i}:\n{Cluster.Nodes[i]!.RecentLog}")));
                await Task.Delay(100, ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await sender;
        }
    }

    private async Task<Dictionary<string, long>> ReadByShardAsync(IEnumerable<int> nodes)
    {
        var read = new Dictionary<string, long>();
        foreach (var index in nodes)
        {
            var status = await Cluster.Nodes[index]!.Http.GetFromJsonAsync<JsonElement>("/api/ingress/status");
            foreach (var shard in status.GetProperty("shards").EnumerateArray())
            {
                var id = shard.GetProperty("shardId").GetString()!;
                read[id] = read.GetValueOrDefault(id) + shard.GetProperty("recordsRead").GetInt64();
            }
        }
        return read;
    }

    private static async Task<string?> LastEventIdAsync(NodeProcess node, string gameId)
    {
        using var response = await node.Http.GetAsync($"/api/games/{gameId}");
        if (!response.IsSuccessStatusCode)
            return null;
        var game = await response.Content.ReadFromJsonAsync<JsonElement>();
        return game.GetProperty("lastEventId").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Client.Dispose();
    }
}
