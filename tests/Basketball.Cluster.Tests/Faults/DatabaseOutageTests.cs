using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Kinesis;
using Basketball.Simulator;
using Basketball.Storage;
using Microsoft.Data.Sqlite;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Basketball.Cluster.Tests.Faults;

/// <summary>
/// The database goes away for 15 s in the middle of a stream (a real PostgreSQL server stopped and started again; a
/// SQLite file held under an exclusive lock by another connection): the node reports not ready with the reason,
/// dead-letters nothing as processing_failed, resumes by itself within seconds, and ends in the simulator's ground truth.
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class DatabaseOutageTests(KinesaliteFixture kinesis, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The bound on "resumes by itself": the issue's 5 s, measured from the database answering again to the next event
    /// applied. The probe runs every 250 ms while the database is away and the journal's circuit breaker resets after 1 s.
    /// </summary>
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task A_PostgreSQL_server_stopped_for_15_s_mid_stream_costs_no_event_and_the_pipeline_resumes_within_5_s()
    {
        var postgres = new PostgresFixture();
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync();
            await RunOutageAsync($"postgres:{connectionString}",
                beginOutage: () => postgres.StopServerAsync(),
                endOutage: () => postgres.RestartServerAsync());
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_SQLite_file_locked_by_another_connection_for_15_s_mid_stream_costs_no_event_and_the_pipeline_resumes_within_5_s()
    {
        using var directory = new TempDirectory();
        var file = directory.File("b.db");
        SqliteConnection? holder = null;
        await RunOutageAsync($"sqlite:{file}",
            beginOutage: async () =>
            {
                // Another process's transaction holding the file: every write of the node waits out its busy timeout and fails.
                holder = new SqliteConnection($"Data Source={file};Pooling=False");
                await holder.OpenAsync();
                await using var command = holder.CreateCommand();
                command.CommandText = "PRAGMA busy_timeout = 30000; BEGIN EXCLUSIVE;";
                await command.ExecuteNonQueryAsync();
            },
            endOutage: async () =>
            {
                await using (var command = holder!.CreateCommand())
                {
                    command.CommandText = "ROLLBACK;";
                    await command.ExecuteNonQueryAsync();
                }
                await holder.DisposeAsync();
            });
    }

    private async Task RunOutageAsync(string journal, Func<Task> beginOutage, Func<Task> endOutage)
    {
        var stream = KinesaliteFixture.UniqueStreamName("outage");
        await kinesis.CreateStreamAsync(stream, 4);
        await using var node = await InProcessNode.StartAsync(journal,
            "basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms, shard-discovery-interval = 500ms }",
            kinesis.NodeEnvironment(stream));
        using var client = kinesis.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
        var season = SeasonGenerator.Generate(new SimulationOptions(Games: 6, Seed: 16, PlaysPerGame: 60));
        var truth = GroundTruth.Of(season);
        var plan = SendPlan.Create(season, 16, malformed: 4, duplicates: 4);
        var total = truth.Games.Values.Sum(g => g.Events);

        // A third before the outage, the rest while the database is away: the node has plenty left to apply when it returns.
        var firstPart = plan.Count / 3;
        await PutAsync(producer, plan.Take(firstPart));
        // The journal itself says when events are applied: its Game rows are written only for delivered events.
        var database = DatabaseTarget.Parse(journal);
        await Eventually.Until(async () => await GameRowsAsync(database) > 0, TimeSpan.FromSeconds(60), "events are applied before the outage");

        await beginOutage();
        var outage = Stopwatch.StartNew();
        await PutAsync(producer, plan.Skip(firstPart));

        // Not ready, and saying why, while the database is away.
        var reason = "";
        await Eventually.Until(async () =>
        {
            using var response = await node.Http.GetAsync("/health/ready");
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                return false;
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            reason = body.GetProperty("reasons").TryGetProperty("journal", out var r) ? r.GetString() ?? "" : "";
            return body.GetProperty("checks").GetProperty("journal").GetBoolean() == false && reason.Length > 0;
        }, Outage, "/health/ready says not ready with the journal's reason during the outage");
        output.WriteLine($"not ready {outage.Elapsed.TotalSeconds:F1} s into the outage: {reason}");
        reason.Should().Contain("database is unavailable");

        if (Outage - outage.Elapsed is { Ticks: > 0 } rest)
            await Task.Delay(rest); // the outage itself lasts 15 s; this is the fault's length, not synchronisation
        var rowsAtReturn = await GameRowsAsync(database); // SQLite: readable while locked (WAL); PostgreSQL: null, it is down
        await endOutage();
        var back = Stopwatch.StartNew();
        rowsAtReturn ??= await GameRowsAsync(database);
        rowsAtReturn.Should().NotBeNull();
        long? rows = null;
        await Eventually.Until(async () => (rows = await GameRowsAsync(database)) > rowsAtReturn, TimeSpan.FromSeconds(60),
            "an event is applied after the database returns", TimeSpan.FromMilliseconds(50));
        var resumedAfter = back.Elapsed;
        output.WriteLine($"{journal.Split(':')[0]}: {rowsAtReturn} game journal rows when the database came back, " +
                         $"the next one {resumedAfter.TotalSeconds:F2} s later ({total} events in all)");
        resumedAfter.Should().BeLessThan(ResumeBound, "the pipeline resumes by itself within 5 s of the database returning");

        await Eventually.Until(async () => (await ReadyAsync(node)), TimeSpan.FromSeconds(30), "the node is ready again");
        var runner = new SimulationRunner(producer, node.Http, new TestConsole());
        IReadOnlyList<string> differences = [];
        await Eventually.Until(async () => (differences = await runner.CompareAsync(truth, plan, CancellationToken.None)).Count == 0,
            TimeSpan.FromSeconds(120), () => $"the node ends in the ground truth; it differs in {string.Join("; ", differences.Take(20))}");
        output.WriteLine($"exact {back.Elapsed.TotalSeconds:F1} s after the database returned");
        // The league projections (their own journal readers and tables) came through the outage too.
        IReadOnlyList<string> standings = [];
        await Eventually.Until(async () => (standings = await runner.CompareStandingsAsync(truth, CancellationToken.None)).Count == 0,
            TimeSpan.FromSeconds(60), () => $"the standings equal the ground truth; {string.Join("; ", standings)}");
        var letters = (await node.Http.GetFromJsonAsync<JsonElement>("/api/deadletters?limit=1000")).EnumerateArray().ToList();
        letters.Should().NotContain(l => l.GetProperty("reason").GetString() == "processing_failed",
            "the database being away is no fault of the events");
    }

    private static async Task<long?> GameRowsAsync(DatabaseTarget database)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM journal WHERE persistence_id LIKE 'game-%'";
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        catch (System.Data.Common.DbException)
        {
            return null;
        }
    }

    private static async Task PutAsync(KinesisProducer producer, IEnumerable<SimulatedRecord> records)
    {
        var result = await producer.PutAsync(records.Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList());
        result.Records.Should().OnlyContain(r => r.Succeeded);
    }

    private static async Task<bool> ReadyAsync(InProcessNode node)
    {
        using var response = await node.Http.GetAsync("/health/ready");
        return response.IsSuccessStatusCode;
    }
}
