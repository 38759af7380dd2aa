using System.Diagnostics;
using System.Text.Json;
using Basketball.Cluster.Tests.Operations;
using Basketball.Kinesis;
using Basketball.Simulator;
using Npgsql;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Basketball.Cluster.Tests.Faults;

/// <summary>
/// One of three nodes on PostgreSQL, the oldest (it holds the singletons and the sharding coordinators) and the
/// reader of most Kinesis shards, is frozen with SIGSTOP past failure detection and the Split Brain Resolver while
/// records keep arriving, then thawed with SIGCONT. The survivors down it and take its shards, entities and singletons;
/// the thawed node learns that it was downed and exits. Every row that lands in the database is recorded by a trigger
/// with the name of the node that wrote it, so the test proves from the database what each fence stopped
/// (docs/architecture.md, "A node that comes back from the dead").
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class FrozenNodeTests(KinesaliteFixture kinesis, ITestOutputHelper output)
{
    private const int Shards = 6;

    // Fast ingress timings (the data path keeps its production values); the failure detector, the Split Brain Resolver
    // and the lease expiry are the shipped ones: what the freeze has to outlast.
    private const string Hocon = """
        basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms, shard-discovery-interval = 500ms,
                             lease-check-every = 500ms, readers = 6 }
        basketball.entities.redeliver-every = 300ms
        """;

    private static readonly string[] AuditedTables =
        ["journal", "kinesis_checkpoints", "milestones", "read_offsets", "read_fences", "league_games", "league_plays", "league_player_games"];

    private static readonly string Frozen = NodeCluster.ApplicationName(0);

    [PostgresFact]
    public async Task A_node_frozen_past_failure_detection_is_replaced_and_once_thawed_writes_nothing_stale_and_exits()
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

            // Records arrive throughout: a paced sender over 45 s; the freeze starts at a fifth and ends past three fifths.
            var sender = new PacedSender(producer, plan, TimeSpan.FromSeconds(45));
            var sending = sender.RunAsync();
            // Each audited table exists (the singletons create theirs when they start) and the league projector has stored offsets.
            var tables = string.Join(", ", AuditedTables.Select(t => $"('{t}')"));
            await Eventually.Until(async () =>
                    await CountAsync(connectionString, $"SELECT count(*) FROM (VALUES {tables}) AS t(name) WHERE to_regclass(t.name) IS NOT NULL") == AuditedTables.Length
                    && await CountAsync(connectionString, "SELECT count(*) FROM read_offsets") >= 2, TimeSpan.FromSeconds(120),
                () => $"events are applied and the singletons have stored offsets; {DescribeReadersAsync(connectionString, cluster).GetAwaiter().GetResult()}");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {await DescribeReadersAsync(connectionString, cluster)}");
            var audit = await PostgresWriteAudit.InstallAsync(connectionString, AuditedTables);
            await Eventually.Until(() => Task.FromResult(sender.Sent >= plan.Count / 5), TimeSpan.FromSeconds(60), "a fifth of the season is sent");

            var owner = (await CheckpointsAsync(connectionString)).Select(c => c.Owner)
                .First(o => o.StartsWith(frozen.AkkaAddress + "#", StringComparison.Ordinal));
            var ownedAtFreeze = (await CheckpointsAsync(connectionString)).Where(c => c.Owner == owner).Select(c => c.Shard).ToList();
            await frozen.FreezeAsync();
            var frozenFor = Stopwatch.StartNew();
            var (sentAtFreeze, freezeMark) = (sender.Sent, await audit.MarkAsync());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: node 0 frozen ({sentAtFreeze} of {plan.Count} records sent), reading {string.Join(", ", ownedAtFreeze)}");

            // While it is frozen, the operator sees it unreachable, then gone; its shards, entities and singletons move.
            var unreachable = await WaitForClusterShowAsync(survivor, lines => lines.Any(l => l.StartsWith(frozen.AkkaAddress + " ") && l.Contains("unreachable")),
                "cluster show lists the frozen node as unreachable");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen, cluster show:\n{unreachable}");
            var removed = await WaitForClusterShowAsync(survivor, lines => !lines.Any(l => l.StartsWith(frozen.AkkaAddress + " ")) && lines.Contains("Count: 2 nodes"),
                "cluster show no longer lists the frozen node");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen, cluster show:\n{removed}");
            await Eventually.Until(async () =>
            {
                var readers = await cluster.ReadersAsync();
                return readers.Count == Shards && readers.Values.All(n => n.Count == 1 && n[0] != 0);
            }, TimeSpan.FromSeconds(60), "the survivors read every shard");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen: the survivors read every shard");
            await Eventually.Until(async () => (await audit.WritesAsync(freezeMark, "read_offsets"))
                    .Any(w => w.Text("name") == "milestone-publisher" && w.Application != Frozen),
                TimeSpan.FromSeconds(60), "a survivor publishes milestones");
            output.WriteLine($"{frozenFor.Elapsed.TotalSeconds:F1} s frozen: a survivor publishes milestones");
            await Eventually.Until(() => Task.FromResult(sender.Sent >= plan.Count * 3 / 5), TimeSpan.FromSeconds(60), "three fifths of the season are sent");

            var thawMark = await audit.MarkAsync();
            var thawedAt = DateTime.UtcNow;
            var sentDuringFreeze = sender.Sent - sentAtFreeze;
            await frozen.ThawAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: node 0 thawed after {frozenFor.Elapsed.TotalSeconds:F1} s; " +
                             $"{sentDuringFreeze} records were sent while it was frozen");

            // The thawed node learns that it was downed, says so, and exits with the code a supervisor restarts on.
            var thawed = Stopwatch.StartNew();
            await Eventually.Until(() => Task.FromResult(frozen.HasExited), TimeSpan.FromSeconds(90), () => $"the thawed node exits; its log:\n{frozen.RecentLog}");
            output.WriteLine($"the thawed node exited with {frozen.ExitCode} {thawed.Elapsed.TotalSeconds:F1} s after the thaw; what it said:");
            foreach (var line in frozen.Lines.Where(IsFreezeLine))
                output.WriteLine("  node 0: " + line);
            frozen.ExitCode.Should().Be(3, "a downed node exits with 3");
            frozen.Lines.Should().Contain(l => l.Contains("Node has been marked as DOWN", StringComparison.Ordinal));
            // Its last words (standard error, just before the exit) may still be on their way through the output reader.
            await Eventually.Until(() => frozen.Lines.Any(l => l.Contains("this node was downed by the cluster", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), "the thawed node says on standard error that the cluster downed it");
            (await WaitForClusterShowAsync(survivor, lines => lines.Contains("Count: 2 nodes"), "the cluster is the two survivors"))
                .Should().NotContain(frozen.AkkaAddress, "the downed incarnation does not come back by itself");

            // The survivors end in the ground truth, the league tables included.
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
                await ExplainAsync(connectionString, audit, season, differences);
                throw;
            }
            IReadOnlyList<string> standings = [];
            await Eventually.Until(async () => (standings = await runner.CompareStandingsAsync(truth, CancellationToken.None)).Count == 0,
                TimeSpan.FromSeconds(30), () => $"the standings equal the ground truth; {string.Join("; ", standings)}");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: the survivors equal the ground truth");
            // A share of the stream, not a rate: how fast the sender puts depends on how loaded the machine is (CI under load sent
            // 734 of about 2,770 records in the freeze once), and the point is only that the survivors took records meanwhile.
            sentDuringFreeze.Should().BeGreaterThan(plan.Count / 10, "records kept arriving while the node was frozen");

            var afterThaw = (await audit.WritesAsync(thawMark)).Where(w => w.Application == Frozen).ToList();
            output.WriteLine($"rows node 0 wrote after the thaw: {string.Join(", ", afterThaw.CountBy(w => w.Table).Select(c => $"{c.Value} in {c.Key}"))}");

            // Kinesis readers — the checkpoint fence (owner + epoch) and the lease takeover rule: every shard the frozen
            // node read was taken by a survivor while it was frozen, and it wrote no checkpoint row after the thaw
            // (its readers' saves were refused; its coordinators did not take the shards back from live members).
            var takeovers = (await audit.WritesAsync(freezeMark, "kinesis_checkpoints")).Where(w => w.Id <= thawMark && w.Application != Frozen)
                .Select(w => w.Text("shard_id")).ToHashSet();
            takeovers.Should().Contain(ownedAtFreeze, "the survivors took every shard of the frozen node while it was frozen");
            afterThaw.Where(w => w.Table == "kinesis_checkpoints").Should().BeEmpty("a downed node writes no checkpoint");
            (await CheckpointsAsync(connectionString)).Should().NotContain(c => c.Owner == owner);

            // Entities — the journal's unique (persistence_id, sequence_number): whatever the thawed node's stale
            // incarnations wrote (a write lands only if it was decided on every earlier row), each entity's journal is
            // one line, 1..n without a gap, and no event or player line is in it twice.
            (await JournalHistory.HasUniqueSequenceNumbersAsync(connectionString)).Should().BeTrue("the journal refuses a second row with the same sequence number");
            var (journalProblems, _) = await JournalHistory.CheckAsync(connectionString);
            journalProblems.Should().BeEmpty("every entity's journal is one history");

            // Singletons — the reader fence (read_fences): the thawed node's milestone publisher and league projector
            // recorded nothing after the thaw, and put no milestone to the output stream (at most a put already under
            // way when it was frozen).
            afterThaw.Where(w => w.Table is "milestones" or "read_offsets" or "read_fences" || w.Table.StartsWith("league_", StringComparison.Ordinal))
                .Should().BeEmpty("a downed node's singletons record nothing");
            var puts = node0Kinesis.Puts.Where(p => p.At > thawedAt && p.Stream == stream + "-milestones").ToList();
            output.WriteLine($"milestone puts of node 0 after the thaw: {puts.Count}");
            // A put under way when it was frozen goes on after the thaw (one publisher batch is several PutRecords calls:
            // one record per partition key per call), and its milestones are on the stream twice, as the contract allows.
            // A new put, of milestones read after the freeze, is what the fence stops: every milestone node 0 put after
            // the thaw comes from a journal row written before the freeze.
            var readAfterFreeze = (await audit.WritesAsync(freezeMark, "journal"))
                .Select(w => (w.Text("persistence_id"), long.Parse(w.Text("sequence_number")))).ToHashSet();
            var journalRows = await JournalHistory.RowsAsync(connectionString);
            foreach (var data in puts.SelectMany(p => p.Data))
            {
                var milestone = JsonDocument.Parse(data).RootElement;
                var (id, aggregate) = (milestone.GetProperty("milestoneId").GetString()!, milestone.GetProperty("aggregateId").GetString()!);
                var mentions = journalRows.Where(r => r.PersistenceId.EndsWith(aggregate, StringComparison.Ordinal) && r.Body.Contains(id, StringComparison.Ordinal)).ToList();
                mentions.Should().NotBeEmpty($"milestone {id} is in its aggregate's journal");
                // A firing is decided by the first row that names it, a revocation by the last.
                var row = milestone.GetProperty("revoked").GetBoolean() ? mentions[^1] : mentions[0];
                readAfterFreeze.Should().NotContain((row.PersistenceId, row.Seq),
                    $"node 0 put {id} after the thaw: it must have been read before the freeze (a put under way), not after");
            }
            var published = (await KinesisStreams.ReadAllAsync(client, stream + "-milestones")).Select(r => JsonDocument.Parse(r.Data).RootElement)
                .Select(m => $"{m.GetProperty("milestoneId").GetString()}|{m.GetProperty("revoked").GetBoolean()}").ToList();
            var recorded = await MilestoneIdsAsync(connectionString);
            published.Should().Contain(recorded, "every recorded milestone reached the output stream at least once");
            output.WriteLine($"{recorded.Count} milestones recorded, {published.Count} records on the output stream " +
                             $"({published.Count - published.Distinct().Count()} repeats, which the contract allows after a crash)");
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    private static bool IsFreezeLine(string line) =>
        line.Contains("marked as DOWN", StringComparison.Ordinal) || line.Contains("downed", StringComparison.OrdinalIgnoreCase)
        || line.Contains("quarantined", StringComparison.Ordinal) || line.Contains("lease", StringComparison.Ordinal)
        || line.Contains("not taken", StringComparison.Ordinal) || line.Contains("stops:", StringComparison.Ordinal);

    /// <summary>Each game's events missing from its journal, and who wrote its rows: what a failed comparison needs.</summary>
    private async Task ExplainAsync(string connectionString, PostgresWriteAudit audit, Season season, IReadOnlyList<string> differences)
    {
        var writers = (await audit.WritesAsync(table: "journal"))
            .ToDictionary(w => (w.Text("persistence_id"), long.Parse(w.Text("sequence_number"))), w => w.Application);
        foreach (var game in season.Games.Where(g => differences.Any(d => d.StartsWith(g.GameId + ":", StringComparison.Ordinal))))
        {
            var rows = await JournalHistory.RowsAsync(connectionString, "game-" + game.GameId);
            var missing = game.Events.Where(e => !rows.Any(r => r.Body.Contains(e.EventId, StringComparison.Ordinal))).Select(e => e.EventId);
            output.WriteLine($"{game.GameId}: {rows.Count} rows; events missing: {string.Join(", ", missing)}; rows by " +
                             string.Join(" ", rows.Select(r => $"{r.Seq}:{writers.GetValueOrDefault((r.PersistenceId, r.Seq), "?")}")));
        }
    }

    private async Task<string> WaitForClusterShowAsync(NodeProcess node, Func<IReadOnlyList<string>, bool> condition, string what)
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

    private static Task<List<string>> MilestoneIdsAsync(string connectionString) =>
        RowsAsync(connectionString, "SELECT milestone_id || '|' || CASE WHEN revoked THEN 'True' ELSE 'False' END FROM milestones", r => r.GetString(0));

    /// <summary>The singletons' offsets and fences, the journal's size, and what the nodes logged about their readers.</summary>
    private static async Task<string> DescribeReadersAsync(string connectionString, NodeCluster cluster)
    {
        var text = new System.Text.StringBuilder();
        foreach (var sql in (string[])["SELECT name || '=' || journal_offset FROM read_offsets", "SELECT name || ' epoch ' || epoch || ' by ' || owner FROM read_fences",
                     "SELECT 'journal rows: ' || count(*) FROM journal"])
        {
            try
            {
                foreach (var row in await RowsAsync(connectionString, sql, r => r.GetString(0)))
                    text.Append(row).Append("; ");
            }
            catch (PostgresException ex)
            {
                text.Append(ex.MessageText).Append("; ");
            }
        }
        foreach (var (node, index) in cluster.Nodes.Select((n, i) => (n, i)))
            foreach (var line in node?.Lines.Where(l => l.Contains("ublisher", StringComparison.Ordinal) || l.Contains("rojector", StringComparison.Ordinal)
                                                        || l.Contains("ingleton", StringComparison.Ordinal) || l.Contains("enced", StringComparison.Ordinal)).TakeLast(15) ?? [])
                text.Append($"\n  node {index}: {line}");
        return text.ToString();
    }

    private static async Task<long> CountAsync(string connectionString, string sql) =>
        (await RowsAsync(connectionString, sql, r => Convert.ToInt64(r.GetValue(0)))).Single();

    private static Task<List<(string Shard, string Owner)>> CheckpointsAsync(string connectionString) =>
        RowsAsync(connectionString, "SELECT shard_id, COALESCE(owner, '') FROM kinesis_checkpoints", r => (r.GetString(0), r.GetString(1)));

    private static async Task<List<T>> RowsAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
            rows.Add(read(reader));
        return rows;
    }
}
