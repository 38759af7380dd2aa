using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Cluster.Tests.Operations;
using Basketball.Kinesis;
using Basketball.Simulator;
using Npgsql;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Basketball.Cluster.Tests.Faults;

/// <summary>
/// One of three nodes (the oldest: it holds the singletons and the sharding coordinators) is frozen with SIGSTOP past
/// failure detection and the Split Brain Resolver, while records keep arriving, then thawed with SIGCONT. The others
/// down it and take its Kinesis shards, entities and singletons; the thawed node must write nothing stale and stop.
/// Every write that lands in the database is recorded by a trigger with the writing node's name, so the test proves
/// from the database what each fence stopped.
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class FrozenNodeTests(KinesaliteFixture kinesis, ITestOutputHelper output)
{
    private const int Shards = 6;

    // Fast ingress timings (the data path keeps its production values); the cluster's failure detector and Split
    // Brain Resolver are the shipped ones, which is what the freeze has to outlast.
    private const string Hocon = """
        basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms, shard-discovery-interval = 500ms,
                             lease-check-every = 500ms, readers = 6 }
        basketball.entities.redeliver-every = 300ms
        """;

    [PostgresFact]
    public async Task A_node_frozen_past_failure_detection_is_replaced_and_once_thawed_writes_nothing_stale_and_stops()
    {
        var clock = Stopwatch.StartNew();
        var postgres = new PostgresFixture();
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync();
            var stream = await kinesis.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("freeze"), Shards);
            // Node 0's Kinesis calls go through a proxy that notes its PutRecords: what it publishes after the thaw.
            await using var node0Kinesis = await KinesisReadCounter.StartAsync(kinesis.Endpoint);
            var env = kinesis.NodeEnvironment(stream);
            env["BASKETBALL_JOURNAL"] = "postgres:" + connectionString;
            await using var cluster = await NodeCluster.StartAsync(3, env, Hocon,
                perNode: i => i == 0 ? new Dictionary<string, string> { ["KINESIS_ENDPOINT"] = node0Kinesis.Endpoint } : new());
            var (frozen, survivor) = (cluster.Nodes[0]!, cluster.Nodes[1]!);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: three nodes up");

            using var client = kinesis.CreateClient();
            await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
            var season = SeasonGenerator.Generate(new SimulationOptions(Games: 16, Seed: 61, PlaysPerGame: 160));
            var truth = GroundTruth.Of(season);
            var plan = SendPlan.Create(season, 61, malformed: 4, duplicates: 4);

            await Eventually.Until(async () =>
            {
                var readers = await cluster.ReadersAsync();
                return readers.Count == Shards && readers.Values.All(n => n.Count == 1) && readers.Values.Any(n => n[0] == 0);
            }, TimeSpan.FromSeconds(90), "every shard has one reader, and the node to be frozen reads some");

            // Records arrive throughout: a paced sender over about 50 s.
            var sender = new PacedSender(producer, plan, TimeSpan.FromSeconds(50));
            var sending = sender.RunAsync();
            await Eventually.Until(async () => await CountAsync(connectionString, "SELECT count(*) FROM journal") > 0 &&
                                               await CountAsync(connectionString, "SELECT count(*) FROM read_offsets") > 0,
                TimeSpan.FromSeconds(60), "events are applied and the singletons have stored offsets");
            var audit = await PostgresWriteAudit.InstallAsync(connectionString, "journal", "kinesis_checkpoints", "milestones", "read_offsets");
            await Eventually.Until(() => sender.Sent >= plan.Count / 5, TimeSpan.FromSeconds(60), "a fifth of the season is sent");

            var owners = (await CheckpointsAsync(connectionString)).ToDictionary(c => c.Shard, c => c.Owner);
            var frozenOwner = owners.Values.First(o => o.StartsWith(frozen.AkkaAddress + "#", StringComparison.Ordinal));
            await frozen.FreezeAsync();
            var frozenFor = Stopwatch.StartNew();
            var freezeMark = await audit.MarkAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: node 0 frozen ({sender.Sent} of {plan.Count} records sent), it owned " +
                             string.Join(", ", owners.Where(o => o.Value == frozenOwner).Select(o => o.Key)));

            // While frozen: the operator sees it unreachable, then gone; its shards, entities and singletons move.
            var unreachable = await WaitForCliAsync(survivor, lines => lines.Any(l => l.StartsWith(frozen.AkkaAddress + " ") && l.Contains("unreachable")),
                "cluster show lists the frozen node as unreachable");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen, cluster show:\n{unreachable}");
            var removed = await WaitForCliAsync(survivor, lines => !lines.Any(l => l.StartsWith(frozen.AkkaAddress + " ")) && lines.Contains("Count: 2 nodes"),
                "cluster show no longer lists the frozen node");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen, cluster show:\n{removed}");
            await Eventually.Until(async () =>
            {
                var readers = await cluster.ReadersAsync();
                return readers.Count == Shards && readers.Values.All(n => n.Count == 1 && n[0] != 0);
            }, TimeSpan.FromSeconds(60), "the survivors read every shard");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen: the survivors read every shard");
            await Eventually.Until(async () => (await audit.WritesAsync(freezeMark, "read_offsets"))
                    .Any(w => w.Text("name") == "milestone-publisher" && w.Application != NodeCluster.ApplicationName(0)),
                TimeSpan.FromSeconds(60), "a survivor publishes milestones");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen: a survivor publishes milestones");
            // Records keep arriving while it is frozen, up to well past the takeover.
            await Eventually.Until(() => sender.Sent >= plan.Count * 3 / 5, TimeSpan.FromSeconds(60), "three fifths of the season are sent");

            var thawMark = await audit.MarkAsync();
            var thawedAt = DateTime.UtcNow;
            await frozen.ThawAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: node 0 thawed after {frozenFor.Elapsed.TotalSeconds:F1} s ({sender.Sent} records sent)");

            // The thawed node learns that it was downed, and stops.
            var thawed = Stopwatch.StartNew();
            await Eventually.Until(() => Task.FromResult(frozen.HasExited), TimeSpan.FromSeconds(90), () => $"the thawed node stops; its log:\n{frozen.RecentLog}");
            output.WriteLine($"the thawed node exited with {frozen.ExitCode} {thawed.Elapsed.TotalSeconds:F1} s after the thaw; its last lines:");
            foreach (var line in frozen.Lines.TakeLast(40))
                output.WriteLine("  node 0: " + line);

            await sending;
            var runner = new SimulationRunner(producer, survivor.Http, new TestConsole());
            IReadOnlyList<string> differences = [];
            try
            {
                await Eventually.Until(async () => (differences = await runner.CompareAsync(truth, plan, CancellationToken.None)).Count == 0,
                    TimeSpan.FromSeconds(90), () => $"the survivors end in the ground truth; they differ in {string.Join("; ", differences.Take(20))}");
            }
            catch (TimeoutException)
            {
                await ExplainAsync(connectionString, audit, season, differences, cluster, freezeMark, thawMark);
                throw;
            }
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: the survivors equal the ground truth");

            var afterThaw = (await audit.WritesAsync(thawMark)).Where(w => w.Application == NodeCluster.ApplicationName(0)).ToList();
            output.WriteLine($"writes of node 0 that landed after the thaw: {afterThaw.Count}");
            foreach (var write in afterThaw.Take(30))
                output.WriteLine($"  {write.Table}: {write.Row}");
            var puts = node0Kinesis.Puts.Where(p => p.At > thawedAt && p.Stream == stream + "-milestones").ToList();
            output.WriteLine($"milestone puts of node 0 after the thaw: {puts.Count} calls, {puts.Sum(p => p.Records)} records");
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    /// <summary>What went wrong, from the database: each differing game's events missing from its journal, its rows, and the checkpoint hand-overs.</summary>
    private async Task ExplainAsync(string connectionString, PostgresWriteAudit audit, Season season, IReadOnlyList<string> differences,
        NodeCluster cluster, long freezeMark, long thawMark)
    {
        output.WriteLine($"freeze mark {freezeMark}, thaw mark {thawMark}");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var game in season.Games.Where(g => differences.Any(d => d.StartsWith(g.GameId + ":", StringComparison.Ordinal))))
        {
            var rows = new List<(long Seq, long Ordering, string Writer, string Body)>();
            await using (var command = new NpgsqlCommand(
                "SELECT sequence_number, ordering, writer_uuid, convert_from(message, 'UTF8') FROM journal WHERE persistence_id = @p ORDER BY sequence_number", connection))
            {
                command.Parameters.AddWithValue("p", "game-" + game.GameId);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
            }
            var missing = game.Events.Where(e => !rows.Any(r => r.Body.Contains(e.EventId, StringComparison.Ordinal))).ToList();
            output.WriteLine($"{game.GameId}: {rows.Count} journal rows; events missing from them: {string.Join(", ", missing.Select(e => $"{e.EventId} ({e.EventType})"))}");
            var writes = (await audit.WritesAsync(table: "journal")).Where(w => w.Text("persistence_id") == "game-" + game.GameId)
                .ToDictionary(w => long.Parse(w.Text("sequence_number")), w => (w.Id, w.Application));
            foreach (var row in rows)
                output.WriteLine($"  seq {row.Seq} ordering {row.Ordering} writer {row.Writer[..8]} by {writes.GetValueOrDefault(row.Seq)}");
            // DEBUG: the whole story of the game, kept on disk
            var dump = new System.Text.StringBuilder();
            foreach (var e in game.Events)
                dump.AppendLine($"event {e.EventId} {e.EventType}");
            foreach (var row in rows)
                dump.AppendLine($"row seq {row.Seq} ordering {row.Ordering} writer {row.Writer} by {writes.GetValueOrDefault(row.Seq)}: {row.Body}");
            foreach (var w in (await audit.WritesAsync()).Where(w => w.Table != "journal"))
                dump.AppendLine($"audit {w.Id} {w.At:HH:mm:ss.fff} {w.Application} {w.Table} {w.Row}");
            for (var i = 0; i < cluster.Nodes.Length; i++)
                foreach (var line in cluster.Nodes[i]!.Lines)
                    dump.AppendLine($"node {i}: {line}");
            File.WriteAllText($"/tmp/freeze-diag-{game.GameId}-{DateTime.UtcNow:HHmmss}.txt", dump.ToString());
        }
        var previous = new Dictionary<string, string>();
        foreach (var write in await audit.WritesAsync(table: "kinesis_checkpoints"))
        {
            var key = $"{write.Text("owner")} epoch {write.Text("epoch")}";
            if (previous.GetValueOrDefault(write.Text("shard_id")) != key)
                output.WriteLine($"  checkpoint {write.Id} {write.At:HH:mm:ss.fff} by {write.Application}: {write.Text("shard_id")} {key} seq {write.Text("sequence_number")}");
            previous[write.Text("shard_id")] = key;
        }
        for (var i = 0; i < cluster.Nodes.Length; i++)
            foreach (var line in cluster.Nodes[i]!.Lines.Where(l => l.Contains("WARN", StringComparison.Ordinal) || l.Contains("Shard shardId", StringComparison.Ordinal)).TakeLast(60))
                output.WriteLine($"node {i}: {line}");
    }

    private async Task<string> WaitForCliAsync(NodeProcess node, Func<IReadOnlyList<string>, bool> condition, string what)
    {
        var last = "";
        await Eventually.Until(async () =>
        {
            var result = await CliRunner.RunAsync(node.OpsAddress, "cluster", "show");
            last = result.Out;
            return result.Exit == 0 && condition(result.Lines);
        }, TimeSpan.FromSeconds(60), () => $"{what}; last answer:\n{last}", TimeSpan.FromMilliseconds(250));
        return last;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<List<(string Shard, string Owner, long Epoch)>> CheckpointsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT shard_id, COALESCE(owner, ''), epoch FROM kinesis_checkpoints", connection);
        var rows = new List<(string, string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return rows;
    }

    /// <summary>Puts a plan's records at an even pace over <paramref name="duration"/>.</summary>
    private sealed class PacedSender(KinesisProducer producer, IReadOnlyList<SimulatedRecord> plan, TimeSpan duration)
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public async Task RunAsync()
        {
            var chunks = plan.Chunk(Math.Max(1, plan.Count / 200)).ToList();
            var pace = duration / chunks.Count;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < chunks.Count; i++)
            {
                var result = await producer.PutAsync(chunks[i].Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList());
                result.Records.Should().OnlyContain(r => r.Succeeded);
                Interlocked.Add(ref _sent, chunks[i].Length);
                if (pace * (i + 1) - clock.Elapsed is { Ticks: > 0 } wait)
                    await Task.Delay(wait); // the send rate, not synchronisation
            }
        }
    }
}
