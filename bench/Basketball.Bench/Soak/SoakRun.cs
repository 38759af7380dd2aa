// `./basketball.sh soak`: three node processes on a durable PostgreSQL read a long simulated season at about half
// their saturation, while a kill -9, a freeze and a database outage hit them at seeded random moments; then the
// cluster must equal the simulator's ground truth, and every entity's journal must be one history.
using System.Diagnostics;
using Basketball.Kinesis;
using Basketball.Simulator;
using Npgsql;
using Spectre.Console;

namespace Basketball.Bench.Soak;

public sealed class SoakRun(SoakOptions options, Action<string> progress)
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(2);

    // The fault windows, as fractions of the sending time: one fault in each, in a seeded order, apart enough for the
    // cluster to recover from one before the next (a fault that runs late delays the next, never overlaps it).
    private static readonly (double From, double To)[] Windows = [(0.10, 0.30), (0.40, 0.60), (0.70, 0.85)];

    public async Task<SoakReport> RunAsync(string command, CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var (season, plan) = Season();
        var truth = GroundTruth.Of(season);
        progress($"seed {options.Seed}: {season.Games.Count:N0} games, {truth.Players.Count} scoring players, {plan.Count:N0} records " +
                 $"at {options.Rate:N0}/s for {options.Duration.TotalMinutes:0.#} min");

        var kinesis = new KinesaliteFixture();
        var postgres = new PostgresFixture { Durable = true };
        try
        {
            progress("starting kinesalite, PostgreSQL (durability on) and three nodes");
            await kinesis.InitializeAsync();
            var connectionString = await postgres.CreateDatabaseAsync(ct);
            var stream = await kinesis.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("soak"), SoakOptions.Shards, ct);
            var env = kinesis.NodeEnvironment(stream);
            env["BASKETBALL_JOURNAL"] = "postgres:" + connectionString;
            await using var cluster = await NodeCluster.StartAsync(3, env, $"basketball.ingress.readers = {SoakOptions.Shards}");
            await AllShardsReadAsync(cluster, ct);

            using var client = kinesis.CreateClient();
            await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
            var sender = new PacedSender(producer, plan, options.Duration);
            var sendClock = Stopwatch.StartNew();
            progress("sending");
            var sending = sender.RunAsync(ct);
            var faults = await InjectFaultsAsync(cluster, postgres, connectionString, sendClock, sender, ct);
            await sending;
            var sendTime = sendClock.Elapsed;
            progress($"sent {sender.Sent:N0} records in {sendTime.TotalSeconds:F0} s ({sender.Sent / sendTime.TotalSeconds:N0}/s); waiting for the ground truth");

            var (differences, convergedAfter) = await ConvergeAsync(cluster, producer, truth, plan, ct);
            var (problems, rows) = await JournalHistory.CheckAsync(connectionString);
            if (!await JournalHistory.HasUniqueSequenceNumbersAsync(connectionString))
                problems = [.. problems, "the journal has no unique index on (persistence_id, sequence_number)"];
            progress($"journal: {rows:N0} game and player rows, {problems.Count} problems");
            return new SoakReport(command, options.Seed, startedAt, clock.Elapsed, BenchMachine.Current(), options.Duration, options.Rate,
                plan.Count, sender.Sent / sendTime.TotalSeconds, truth.Games.Values.Sum(g => g.Events) + season.Registrations.Count,
                season.Games.Count, faults, differences, convergedAfter, rows, problems, await MilestonesAsync(connectionString));
        }
        finally
        {
            await postgres.DisposeAsync();
            await kinesis.DisposeAsync();
        }
    }

    /// <summary>
    /// A season of rate × duration records, played in waves of interleaved games (a league evening, not every game of
    /// the season at once), with a few malformed records and duplicate sends in each wave.
    /// </summary>
    private (Season Season, List<SimulatedRecord> Plan) Season()
    {
        const int eventsPerGame = 210; // 200 plays, schedule, start, halftime, corrections, completion
        var games = (int)Math.Max(SoakOptions.GamesPerWave, options.Rate * options.Duration.TotalSeconds / eventsPerGame);
        var season = SeasonGenerator.Generate(new SimulationOptions(games, options.Seed, Teams: 30, PlayersPerTeam: 12));
        var plan = new List<SimulatedRecord>();
        foreach (var (wave, index) in season.Games.Chunk(SoakOptions.GamesPerWave).Select((g, i) => (g, i)))
            plan.AddRange(SendPlan.Create(new Season(index == 0 ? season.Registrations : [], wave), options.Seed + index, malformed: 1, duplicates: 2));
        return (season, plan);
    }

    private async Task<List<SoakFault>> InjectFaultsAsync(NodeCluster cluster, PostgresFixture postgres, string connectionString,
        Stopwatch sendClock, PacedSender sender, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        var kinds = Enum.GetValues<SoakFaultKind>().OrderBy(_ => random.Next()).ToArray();
        var faults = new List<SoakFault>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var (from, to) = Windows[i];
            var due = options.Duration * (from + random.NextDouble() * (to - from));
            var victim = random.Next(cluster.Nodes.Length);
            if (due - sendClock.Elapsed is { Ticks: > 0 } wait)
                await Task.Delay(wait, ct); // the fault's moment in the season, not synchronisation
            var at = sendClock.Elapsed;
            progress($"{at.TotalSeconds:F0} s ({sender.Sent:N0} records sent): {kinds[i]}" + (kinds[i] == SoakFaultKind.DatabaseOutage ? "" : $" of node {victim}"));
            var fault = kinds[i] switch
            {
                SoakFaultKind.Kill => await KillAsync(cluster, victim, at, ct),
                SoakFaultKind.Freeze => await FreezeAsync(cluster, victim, at, ct),
                _ => await OutageAsync(postgres, connectionString, at, ct),
            };
            progress($"  {fault.Recovery}");
            faults.Add(fault);
        }
        return faults;
    }

    private async Task<SoakFault> KillAsync(NodeCluster cluster, int victim, TimeSpan at, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await cluster.Nodes[victim]!.KillAsync();
        await AllShardsReadAsync(cluster, ct);
        var failover = watch.Elapsed;
        await cluster.StartNodeAsync(victim);
        return new SoakFault(SoakFaultKind.Kill, at, victim, failover,
            $"kill -9: the survivors read every shard {failover.TotalSeconds:F1} s later; started again, node {victim} was ready " +
            $"{watch.Elapsed.TotalSeconds:F1} s after the kill");
    }

    private async Task<SoakFault> FreezeAsync(NodeCluster cluster, int victim, TimeSpan at, CancellationToken ct)
    {
        var node = cluster.Nodes[victim]!;
        var watch = Stopwatch.StartNew();
        await node.FreezeAsync();
        TimeSpan takeover;
        try
        {
            await AllShardsReadAsync(cluster, ct);
            takeover = watch.Elapsed;
            if (options.Freeze - watch.Elapsed is { Ticks: > 0 } rest)
                await Task.Delay(rest, ct); // the freeze's length, not synchronisation
        }
        finally
        {
            await node.ThawAsync();
        }
        var frozenFor = watch.Elapsed;
        await Eventually.Until(() => Task.FromResult(node.HasExited), Step, () => $"node {victim} exits after its thaw:\n{node.RecentLog}");
        var exited = watch.Elapsed - frozenFor;
        var downed = node.Lines.Any(l => l.Contains("Node has been marked as DOWN", StringComparison.Ordinal));
        await cluster.StartNodeAsync(victim);
        return new SoakFault(SoakFaultKind.Freeze, at, victim, frozenFor,
            $"SIGSTOP for {frozenFor.TotalSeconds:F1} s: the survivors read every shard {takeover.TotalSeconds:F1} s in; after SIGCONT the node " +
            $"{(downed ? "learnt it was downed and " : "")}exited with {node.ExitCode} {exited.TotalSeconds:F1} s later; a new incarnation was " +
            $"ready {(watch.Elapsed - frozenFor).TotalSeconds:F1} s after the thaw");
    }

    private async Task<SoakFault> OutageAsync(PostgresFixture postgres, string connectionString, TimeSpan at, CancellationToken ct)
    {
        await postgres.StopServerAsync(ct);
        var watch = Stopwatch.StartNew();
        try
        {
            await Task.Delay(options.Outage, ct); // the outage's length, not synchronisation
        }
        finally
        {
            await postgres.RestartServerAsync(ct);
        }
        var lasted = watch.Elapsed;
        long before = -1;
        await Eventually.Until(async () => (before = await LastJournalRowAsync(connectionString)) >= 0, Step, "PostgreSQL answers again");
        var back = Stopwatch.StartNew();
        await Eventually.Until(async () => await LastJournalRowAsync(connectionString) > before, Step, "an event is applied after the outage",
            TimeSpan.FromMilliseconds(100));
        return new SoakFault(SoakFaultKind.DatabaseOutage, at, null, lasted,
            $"PostgreSQL stopped for {lasted.TotalSeconds:F1} s: the next journal row {back.Elapsed.TotalSeconds:F1} s after it was back");
    }

    /// <summary>Every Kinesis shard read by exactly one running node (frozen and dead ones do not answer).</summary>
    private static Task AllShardsReadAsync(NodeCluster cluster, CancellationToken ct) =>
        Eventually.Until(async () =>
        {
            ct.ThrowIfCancellationRequested();
            var readers = await cluster.ReadersAsync();
            return readers.Count == SoakOptions.Shards && readers.Values.All(n => n.Count == 1);
        }, Step, "every shard is read by one running node", TimeSpan.FromMilliseconds(200));

    private async Task<(IReadOnlyList<string> Differences, TimeSpan After)> ConvergeAsync(NodeCluster cluster, KinesisProducer producer,
        GroundTruth truth, IReadOnlyList<SimulatedRecord> plan, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var node = cluster.Running.First();
        var runner = new SimulationRunner(producer, node.Http, AnsiConsole.Console);
        IReadOnlyList<string> differences = ["not compared yet"];
        var lastReport = TimeSpan.Zero;
        while (watch.Elapsed < options.ConvergeTimeout)
        {
            differences = [.. await runner.CompareAsync(truth, plan, ct), .. await runner.CompareStandingsAsync(truth, ct)];
            if (differences.Count == 0)
                break;
            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(15))
            {
                lastReport = watch.Elapsed;
                progress($"  {watch.Elapsed.TotalSeconds:F0} s: {differences.Count} differences left, e.g. {differences[0]}");
            }
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // polling interval of the comparison
        }
        progress(differences.Count == 0
            ? $"equal to the ground truth {watch.Elapsed.TotalSeconds:F0} s after the last record was sent"
            : $"{differences.Count} differences after {options.ConvergeTimeout.TotalSeconds:F0} s");
        return (differences, watch.Elapsed);
    }

    private static async Task<long> LastJournalRowAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(ordering), 0) FROM journal", connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        catch (NpgsqlException)
        {
            return -1; // the server is still starting
        }
    }

    private static async Task<long> MilestonesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM milestones", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
