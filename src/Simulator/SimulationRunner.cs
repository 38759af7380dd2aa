// Plays a simulated season through Kinesis against a running node: sends at a rate with live progress, then
// waits until the node's projections equal the ground truth, and prints box scores, standings and a verdict.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Kinesis;
using Spectre.Console;

namespace Basketball.Simulator;

/// <param name="Rate">Records per second; 0 = as fast as the producer goes.</param>
/// <param name="CorruptAggregates">KPL aggregated records with a bad MD5 to mix in (each one malformed_aggregate letter).</param>
public sealed record RunOptions(SimulationOptions Simulation, double Rate, int Malformed, int Duplicates, TimeSpan ConvergeTimeout, int CorruptAggregates = 0);

public sealed record Verification(bool Passed, IReadOnlyList<string> Differences, int Records, TimeSpan SendTime, TimeSpan ConvergeTime);

public sealed class SimulationRunner(KinesisProducer producer, HttpClient node, IAnsiConsole console)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public async Task<Verification> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        var season = SeasonGenerator.Generate(options.Simulation);
        var truth = GroundTruth.Of(season);
        var plan = SendPlan.Create(season, options.Simulation.Seed, options.Malformed, options.Duplicates, options.CorruptAggregates);
        console.MarkupLine($"[bold]Simulating[/] {season.Games.Count} games, {truth.Players.Count} scoring players: " +
                           $"{plan.Count:N0} records ({options.Malformed} malformed, {options.Duplicates} duplicate sends, {options.CorruptAggregates} corrupt aggregates) at " +
                           (options.Rate > 0 ? $"{options.Rate:N0} records/s" : "full speed"));

        var clock = Stopwatch.StartNew();
        var sent = 0;
        var gameOf = season.Games.ToDictionary(g => g.GameId);
        var live = new HashSet<string>();
        const int batch = 250;
        // Progress is read from the node on its own loop: a slow answer of a loaded node must not hold the sending.
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = Task.Run(async () =>
        {
            using var ticks = new PeriodicTimer(ProgressEvery);
            while (await ticks.WaitForNextTickAsync(sending.Token))
            {
                try
                {
                    await ProgressAsync(clock.Elapsed, Volatile.Read(ref sent), LiveCount(), sending.Token);
                }
                catch (OperationCanceledException) when (!sending.IsCancellationRequested)
                {
                    // the node did not answer within the client's timeout: the next tick asks again
                }
            }
        }, CancellationToken.None);
        try
        {
            while (sent < plan.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // At the rate, a tenth of a second's records per call; behind schedule (a slow answer), as many as are due.
                var take = options.Rate > 0
                    ? (int)Math.Clamp(Math.Max(options.Rate / 10, clock.Elapsed.TotalSeconds * options.Rate - sent), 1, batch)
                    : batch;
                var chunk = plan.Skip(sent).Take(take).ToList();
                var result = await producer.PutAsync(chunk.Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList(), cancellationToken);
                var failed = result.Records.FirstOrDefault(r => !r.Succeeded);
                if (failed is not null)
                    throw new InvalidOperationException($"Kinesis did not accept a record: {failed.ErrorCode} {failed.ErrorMessage}");
                lock (live)
                {
                    foreach (var record in chunk.Where(r => r.Event is not null && gameOf.ContainsKey(r.PartitionKey)))
                    {
                        if (record.Event!.EventType == "GameCompleted")
                            live.Remove(record.PartitionKey);
                        else
                            live.Add(record.PartitionKey);
                    }
                }
                Volatile.Write(ref sent, sent + chunk.Count);
                if (options.Rate > 0)
                {
                    var due = TimeSpan.FromSeconds(sent / options.Rate);
                    if (due > clock.Elapsed)
                        await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
            }
        }
        finally
        {
            await sending.CancelAsync();
            try
            {
                await progress;
            }
            catch (OperationCanceledException)
            {
                // the progress loop ends with the sending
            }
        }

        int LiveCount()
        {
            lock (live)
                return live.Count;
        }
        var sendTime = clock.Elapsed;
        console.MarkupLine($"[bold]Sent[/] {sent:N0} records in {sendTime.TotalSeconds:F1} s ({sent / Math.Max(0.001, sendTime.TotalSeconds):N0}/s); " +
                           "waiting for the node to catch up…");

        var converge = Stopwatch.StartNew();
        IReadOnlyList<string> differences = ["not checked yet"];
        while (converge.Elapsed < options.ConvergeTimeout)
        {
            differences = await CompareAsync(truth, plan, cancellationToken);
            if (differences.Count == 0)
                break;
            await ProgressAsync(clock.Elapsed, sent, 0, cancellationToken);
            await Task.Delay(ProgressEvery, cancellationToken);
        }

        await PrintResultsAsync(truth, cancellationToken);
        var passed = differences.Count == 0;
        if (passed)
            console.MarkupLine($"[green bold]PASS[/]: every game, player and dead letter matches the simulator's ground truth " +
                               $"({converge.Elapsed.TotalSeconds:F1} s after the last record was sent).");
        else
        {
            console.MarkupLine($"[red bold]FAIL[/]: {differences.Count} differences after {options.ConvergeTimeout.TotalSeconds:F0} s; the first ones:");
            foreach (var difference in differences.Take(10))
                console.MarkupLineInterpolated($"  - {difference}");
        }
        return new Verification(passed, differences, plan.Count, sendTime, converge.Elapsed);
    }

    private async Task ProgressAsync(TimeSpan elapsed, int sent, int live, CancellationToken cancellationToken)
    {
        var metrics = await MetricsAsync(cancellationToken);
        var read = metrics.GetValueOrDefault("basketball_records_read_total");
        var applied = metrics.GetValueOrDefault("basketball_events_applied_total");
        // Every record sent ends applied, recognised as a duplicate or dead-lettered; Kinesis records read count a
        // KPL aggregate once, however many records it packs.
        var handled = applied + metrics.GetValueOrDefault("basketball_duplicates_total") + metrics.GetValueOrDefault("basketball_dead_letters_total");
        var latest = await LatestMilestoneAsync(cancellationToken);
        console.MarkupLineInterpolated(
            $"[[{elapsed.TotalSeconds,5:F0}s]] sent {sent:N0} ({sent / Math.Max(0.001, elapsed.TotalSeconds):N0}/s) · Kinesis records read {read:N0} · applied {applied:N0} · lag {Math.Max(0, sent - handled):N0} records, {metrics.GetValueOrDefault("basketball_shard_millis_behind_latest"):N0} ms · games live {live} · latest milestone {latest}");
    }

    private async Task<Dictionary<string, double>> MetricsAsync(CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, double>();
        try
        {
            var text = await node.GetStringAsync("/metrics", cancellationToken);
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                    continue;
                var name = line[..line.IndexOfAny([' ', '{'])];
                var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                totals[name] = totals.GetValueOrDefault(name) + value;
            }
        }
        catch (HttpRequestException)
        {
            // the node is not answering right now: progress shows zeros, the verdict waits
        }
        return totals;
    }

    private async Task<string> LatestMilestoneAsync(CancellationToken cancellationToken)
    {
        try
        {
            var list = await node.GetFromJsonAsync<JsonElement>("/api/milestones?limit=1", cancellationToken);
            var latest = list.EnumerateArray().FirstOrDefault();
            return latest.ValueKind == JsonValueKind.Object
                ? $"{latest.GetProperty("milestoneId").GetString()}{(latest.GetProperty("revoked").GetBoolean() ? " (revoked)" : "")}"
                : "-";
        }
        catch (HttpRequestException)
        {
            return "-";
        }
    }

    /// <summary>Every difference between the node and the ground truth; empty when they agree.</summary>
    /// <param name="expectedLetters">
    /// Dead letters per reason when they are not one per rejected record of the plan: a producer that retried a put
    /// Kinesis had stored (an answer lost, or one that called a stored record failed) leaves a rejected record on the
    /// stream twice, and each copy is a record of its own with its own dead letter.
    /// </param>
    public async Task<IReadOnlyList<string>> CompareAsync(GroundTruth truth, IReadOnlyList<SimulatedRecord> plan, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, int>? expectedLetters = null)
    {
        var differences = new List<string>();
        foreach (var game in truth.Games.Values)
        {
            var projection = await GetAsync($"/api/games/{game.GameId}", cancellationToken);
            if (projection is not { } g)
            {
                differences.Add($"{game.GameId}: not found");
                continue;
            }
            var score = g.GetProperty("score");
            var (home, away) = (score.GetProperty(game.HomeTeamId).GetInt32(), score.GetProperty(game.AwayTeamId).GetInt32());
            if (g.GetProperty("status").GetString() != "Completed")
                differences.Add($"{game.GameId}: status {g.GetProperty("status").GetString()}, expected Completed");
            if (home != game.HomePoints || away != game.AwayPoints)
                differences.Add($"{game.GameId}: score {home}-{away}, expected {game.HomePoints}-{game.AwayPoints}");
            if (g.GetProperty("eventsApplied").GetInt32() != game.Events)
                differences.Add($"{game.GameId}: {g.GetProperty("eventsApplied").GetInt32()} events applied, expected {game.Events}");
        }
        foreach (var player in truth.Players.Values)
        {
            var projection = await GetAsync($"/api/players/{player.PlayerId}", cancellationToken);
            if (projection is not { } p)
                differences.Add($"{player.PlayerId}: not found");
            else if (p.GetProperty("points").GetInt32() != player.Points || p.GetProperty("gamesPlayed").GetInt32() != player.GamesPlayed)
                differences.Add($"{player.PlayerId}: {p.GetProperty("points").GetInt32()} points in {p.GetProperty("gamesPlayed").GetInt32()} games, " +
                                $"expected {player.Points} in {player.GamesPlayed}");
        }
        // Dead letters by reason, exactly: a missing one is a record the node swallowed, an extra one (or a reason the
        // plan never produces) a record it rejected that it should have applied.
        expectedLetters ??= plan.Where(r => r.ExpectedRejection is not null).GroupBy(r => r.ExpectedRejection!).ToDictionary(g => g.Key, g => g.Count());
        // Counted by the node over the whole table (GET /api/deadletters lists at most 1,000).
        var overview = await GetAsync("/api/ops/overview", cancellationToken);
        var actual = overview?.GetProperty("deadLettersByReason").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()) ?? [];
        foreach (var reason in expectedLetters.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            var (got, expected) = (actual.GetValueOrDefault(reason), expectedLetters.GetValueOrDefault(reason));
            if (got != expected)
                differences.Add($"dead letters: {got} × {reason}, expected {expected}");
        }
        return differences;
    }

    /// <summary>Every team whose standing (GET /api/standings, the league projections) differs from the ground truth.</summary>
    public async Task<IReadOnlyList<string>> CompareStandingsAsync(GroundTruth truth, CancellationToken cancellationToken)
    {
        var standings = (await GetAsync("/api/standings", cancellationToken))?.EnumerateArray()
            .ToDictionary(t => t.GetProperty("teamId").GetString()!, t => (t.GetProperty("wins").GetInt32(), t.GetProperty("losses").GetInt32(),
                t.GetProperty("pointsFor").GetInt32(), t.GetProperty("pointsAgainst").GetInt32())) ?? [];
        var expected = truth.Standings.ToDictionary(t => t.TeamId, t => (t.Wins, t.Losses, t.PointsFor, t.PointsAgainst));
        return expected.Keys.Union(standings.Keys).Order(StringComparer.Ordinal)
            .Where(team => standings.GetValueOrDefault(team) != expected.GetValueOrDefault(team))
            .Select(team => $"standings of {team}: (W, L, PF, PA) {standings.GetValueOrDefault(team)}, expected {expected.GetValueOrDefault(team)}")
            .ToList();
    }

    private async Task PrintResultsAsync(GroundTruth truth, CancellationToken cancellationToken)
    {
        var box = new Table().Title("Final box scores").AddColumns("game", "home", "", "away", "", "top scorer");
        var standings = new Dictionary<string, (int W, int L, int For, int Against)>();
        foreach (var game in truth.Games.Values.OrderBy(g => g.GameId, StringComparer.Ordinal))
        {
            if (await GetAsync($"/api/games/{game.GameId}", cancellationToken) is not { } g)
                continue;
            var home = g.GetProperty("score").GetProperty(game.HomeTeamId).GetInt32();
            var away = g.GetProperty("score").GetProperty(game.AwayTeamId).GetInt32();
            var top = g.GetProperty("players").EnumerateObject().OrderByDescending(p => p.Value.GetProperty("points").GetInt32()).FirstOrDefault();
            box.AddRow(game.GameId, game.HomeTeamId, home.ToString(CultureInfo.InvariantCulture), game.AwayTeamId, away.ToString(CultureInfo.InvariantCulture),
                top.Name is null ? "-" : $"{top.Name} ({top.Value.GetProperty("points").GetInt32()})");
            Record(game.HomeTeamId, home, away);
            Record(game.AwayTeamId, away, home);
        }
        console.Write(box);

        var table = new Table().Title("Standings").AddColumns("team", "W", "L", "PF", "PA");
        foreach (var (team, row) in standings.OrderByDescending(s => s.Value.W).ThenBy(s => s.Key, StringComparer.Ordinal))
            table.AddRow(team, $"{row.W}", $"{row.L}", $"{row.For}", $"{row.Against}");
        console.Write(table);

        void Record(string team, int scored, int conceded)
        {
            var row = standings.GetValueOrDefault(team);
            standings[team] = (row.W + (scored > conceded ? 1 : 0), row.L + (scored < conceded ? 1 : 0), row.For + scored, row.Against + conceded);
        }
    }

    private async Task<JsonElement?> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await node.GetAsync(path, cancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
