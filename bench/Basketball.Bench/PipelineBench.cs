// The pipeline measured end to end through real node processes: Kinesis (kinesalite) → shard readers →
// sharded entities → SQL journal. Throughput at saturation, latency at half of it, failover after kill -9.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// The warm-up: resets the <paramref name="shards"/> to TRIM_HORIZON and waits until the nodes have processed
    /// <paramref name="expected"/> more records. A node that has just started runs code the JIT compiler has not
    /// yet optimised, and its entities and connections are new; the drain timed afterwards measures the pipeline's
    /// steady state (the bench notes how much JIT time is left in it).
    /// </summary>
    public async Task WarmUpAsync(IReadOnlyList<string> shards, int expected, TimeSpan timeout, CancellationToken ct)
    {
        var processedBefore = await Cluster.MetricAsync("basketball_records_read_total");
        await Task.WhenAll(shards.Select(s => _checkpoints.ResetAsync(Stream, s, ShardStartPosition.TrimHorizon, ct)));
        var deadline = Stopwatch.StartNew();
        while (await Cluster.MetricAsync("basketball_records_read_total") - processedBefore < expected)
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{expected} warm-up records not processed within {timeout}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>The nodes' time spent in the JIT compiler so far (the runtime's own meter).</summary>
    public const string JitSeconds = "system_runtime_dotnet_jit_compilation_time";

    /// <summary>
    /// Resets the <paramref name="shards"/> to TRIM_HORIZON and waits until the nodes have processed
    /// <paramref name="expected"/> more records (durably: the records counter moves after the entities' journal
    /// writes). Returns events/s from the first record read to the last one processed, the CPU time the nodes spent
    /// meanwhile (a figure that the other processes sharing the machine disturb far less than the wall clock), and
    /// how much of it the JIT compiler took.
    /// </summary>
    public async Task<(double PerSecond, TimeSpan Elapsed, double CpuSeconds, double JitSeconds)> DrainAsync(IReadOnlyList<string> shards, int expected,
        TimeSpan timeout, CancellationToken ct)
    {
        var processedBefore = await Cluster.MetricAsync("basketball_records_read_total");
        var cpuBefore = await Cluster.MetricAsync("process_cpu_seconds_total");
        var jitBefore = await Cluster.MetricAsync(JitSeconds);
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
        while (await Cluster.MetricAsync("basketball_records_read_total") - processedBefore < expected)
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{expected} records not processed within {timeout}");
            await Task.Delay(100, ct); // /metrics costs the node CPU: polled often it would slow what it measures
        }
        var elapsed = clock.Elapsed - firstRead.Value;
        var cpu = await Cluster.MetricAsync("process_cpu_seconds_total") - cpuBefore;
        var jit = await Cluster.MetricAsync(JitSeconds) - jitBefore;
        return (expected / elapsed.TotalSeconds, elapsed, cpu, jit);
    }

    /// <summary>
    /// Latency at a steady rate: <paramref name="load"/> is put at <paramref name="rate"/> events/s while one probe
    /// game's events go one at a time; each probe is timed from its put being acknowledged to the game's
    /// HTTP projection showing it applied.
    /// </summary>
    public async Task<(List<double> Latencies, double[] GameWriteQuantiles, double[] ProjectionWriteQuantiles)> LatencyAsync(Workload load, Workload probe, double rate,
        TimeSpan duration, CancellationToken ct)
    {
        var node = Cluster.Nodes[0]!;
        var writesBefore = await HistogramAsync(node, GameWrites);
        var projectionBefore = await HistogramAsync(node, ProjectionWrites);
        await using var producer = new KinesisProducer(Client, new KinesisProducerOptions(Stream));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);

        var sender = Task.Run(async () =>
        {
            var tick = TimeSpan.FromMilliseconds(100);
            var perTick = Math.Max(1, (int)Math.Round(rate * tick.TotalSeconds));
            var clock = Stopwatch.StartNew();
            var sent = 0;
            var puts = new List<Task>();
            while (!stop.IsCancellationRequested && sent < load.Count)
            {
                var chunk = load.Records.Skip(sent).Take(perTick).ToList();
                sent += chunk.Count;
                puts.Add(producer.PutAsync(chunk, CancellationToken.None));
                var due = TimeSpan.FromTicks(tick.Ticks * (sent / perTick));
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed, CancellationToken.None);
            }
            await Task.WhenAll(puts);
            return sent;
        }, CancellationToken.None);

        var game = probe.Season.Games[0];
        var latencies = new List<double>();
        foreach (var evt in game.Events)
        {
            if (stop.IsCancellationRequested)
                break;
            var put = await producer.PutAsync([(evt.AggregateId, (ReadOnlyMemory<byte>)Domain.Events.EventJson.Serialize(evt))], CancellationToken.None);
            if (!put.AllSucceeded)
                throw new InvalidOperationException($"probe put failed: {put.Records[0].ErrorCode}");
            var acknowledged = Stopwatch.StartNew();
            while (await LastEventIdAsync(node, game.GameId) != evt.EventId)
            {
                if (acknowledged.Elapsed > TimeSpan.FromSeconds(30))
                    throw new TimeoutException($"probe {evt.EventId} not applied within 30 s");
                await Task.Delay(2, CancellationToken.None);
            }
            latencies.Add(acknowledged.Elapsed.TotalMilliseconds);
        }
        await sender;
        var writes = Subtract(await HistogramAsync(node, GameWrites), writesBefore);
        var projection = Subtract(await HistogramAsync(node, ProjectionWrites), projectionBefore);
        return (latencies, [Quantile(writes, 0.5), Quantile(writes, 0.99)], [Quantile(projection, 0.5), Quantile(projection, 0.99)]);
    }

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
    public async Task<TimeSpan> FailoverAsync(Workload trickle, CancellationToken ct)
    {
        var readers = await Cluster.ReadersAsync();
        var victim = readers.Values.Select(n => n[0]).Where(n => n != 0).GroupBy(n => n).OrderByDescending(g => g.Count()).First().Key;
        var orphaned = readers.Where(r => r.Value.Contains(victim)).Select(r => r.Key).ToHashSet();
        var survivors = Enumerable.Range(0, Cluster.Nodes.Length).Where(i => i != victim).ToList();
        var before = await ReadByShardAsync(survivors);
        // Only records of the dead node's shards can show a survivor reading them: a trickle that missed them all
        // (a few games on a few of twelve shards) would wait for nothing.
        var shards = await Client.ListShardsAsync(Stream, ct);
        var keys = trickle.Records.Select(r => r.PartitionKey).Distinct().Where(key => orphaned.Contains(ShardOf(key, shards))).ToHashSet();
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
                await producer.PutAsync(chunk, CancellationToken.None);
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

    /// <summary>The open shard Kinesis puts a partition key on: the MD5 of the key, as a 128-bit number, in the shard's hash range.</summary>
    private static string ShardOf(string partitionKey, IReadOnlyList<Shard> shards)
    {
        var hash = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)), isUnsigned: true, isBigEndian: true);
        return shards.Single(s => s.IsOpen && BigInteger.Parse(s.HashKeyRange.StartingHashKey) <= hash && hash <= BigInteger.Parse(s.HashKeyRange.EndingHashKey)).ShardId;
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
