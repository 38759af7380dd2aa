using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Kinesis;
using Basketball.Simulator;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Basketball.Cluster.Tests.Faults;

/// <summary>
/// Kinesis misbehaves for 20 s on a third of the requests (500s, throttling, cut connections, slow answers, and
/// PutRecords answers that call stored records failed, so the producer puts them twice): node and simulator talk to
/// kinesalite through <see cref="FaultyKinesisProxy"/>. Nothing may be lost, applied twice or reordered, and every
/// milestone the season earns must reach the output stream at least once.
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class FlakyKinesisTests(KinesaliteFixture kinesis, ITestOutputHelper output)
{
    private static readonly TimeSpan FaultWindow = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Twenty_seconds_of_a_flaky_Kinesis_lose_double_and_reorder_nothing_and_every_milestone_reaches_the_output_stream()
    {
        using var directory = new TempDirectory();
        var stream = KinesaliteFixture.UniqueStreamName("flaky");
        await kinesis.CreateStreamAsync(stream, 4);
        await using var proxy = await FaultyKinesisProxy.StartAsync(kinesis.Endpoint);
        var env = kinesis.NodeEnvironment(stream);
        env["KINESIS_ENDPOINT"] = proxy.Endpoint.ToString().TrimEnd('/');
        await using var node = await InProcessNode.StartAsync($"sqlite:{directory.File("b.db")}",
            "basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms }", env);
        using var client = kinesis.CreateClient(options: kinesis.Options with { Endpoint = proxy.Endpoint });
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream) { BaseRetryDelay = TimeSpan.FromMilliseconds(20) });

        var season = SeasonGenerator.Generate(new SimulationOptions(Games: 6, Seed: 23, PlaysPerGame: 60));
        var truth = GroundTruth.Of(season);
        var plan = SendPlan.Create(season, 23, malformed: 4, duplicates: 4);

        // The whole season is sent inside the window, in small calls spread over about 15 s.
        proxy.StartFaultWindow(FaultWindow);
        var chunks = plan.Chunk(Math.Max(1, plan.Count / 50)).ToList();
        var pace = TimeSpan.FromSeconds(15) / chunks.Count;
        foreach (var chunk in chunks)
        {
            var result = await producer.PutAsync(chunk.Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList());
            result.Records.Should().OnlyContain(r => r.Succeeded, "the producer retries what Kinesis reports failed");
            await Task.Delay(pace); // the send rate, not synchronisation
        }

        // A rejected record that the producer put twice (Kinesis stored it, then called it failed or lost the answer) is
        // on the stream twice and earns two dead letters: the expected letters are counted from what Kinesis stored.
        var stored = (await ReadStreamAsync(stream)).CountBy(r => Convert.ToBase64String(r.Data)).ToDictionary();
        var expectedLetters = plan.Where(r => r.ExpectedRejection is not null).DistinctBy(r => Convert.ToBase64String(r.Data))
            .GroupBy(r => r.ExpectedRejection!)
            .ToDictionary(g => g.Key, g => g.Sum(r => stored.GetValueOrDefault(Convert.ToBase64String(r.Data))));

        var runner = new SimulationRunner(producer, node.Http, new TestConsole());
        IReadOnlyList<string> differences = [];
        try
        {
            await Eventually.Until(async () => (differences = await runner.CompareAsync(truth, plan, CancellationToken.None, expectedLetters)).Count == 0,
                TimeSpan.FromSeconds(120), () => $"the node ends in the ground truth; it differs in {string.Join("; ", differences.Take(20))}");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"faults injected: {string.Join(", ", proxy.FaultsByKind.Select(f => $"{f.Key} {f.Value}"))}");
            output.WriteLine($"ingress: {await node.Http.GetStringAsync("/api/ingress/status")}");
            throw;
        }
        // CompareAsync counts dead letters per reason exactly: a record lost, applied twice or out of order would show
        // as a wrong score or count, or as an extra letter (a duplicate, illegal_transition or out-of-order rejection).

        var faults = proxy.FaultsByKind;
        output.WriteLine($"faults injected: {string.Join(", ", faults.Select(f => $"{f.Key} {f.Value}"))}; " +
                         $"{proxy.RecordsReportedFailed} stored records reported failed");
        faults.Values.Should().OnlyContain(count => count > 0, "every kind of fault was injected");
        proxy.RecordsReportedFailed.Should().BeGreaterThan(0);
        var input = await ReadStreamAsync(stream);
        input.Count.Should().BeGreaterThan(plan.Count, "records reported failed but stored are on the stream twice");

        // Every milestone the season earns, from the ground truth (final points per player and team, so a crossing
        // that a correction took back later does not count), is on the output stream, fired and not revoked last.
        var expected = truth.Games.Values.SelectMany(game =>
                game.PlayerPoints.SelectMany(p => new[] { 10, 20, 30, 40, 50, 60 }.Where(t => p.Value >= t)
                        .Select(t => $"{game.GameId}:PlayerPointsInGame:{p.Key}:{t}:"))
                    .Concat(new[] { (game.HomeTeamId, game.HomePoints), (game.AwayTeamId, game.AwayPoints) }
                        .Where(team => team.Item2 >= 100).Select(team => $"{game.GameId}:TeamPoints:{team.Item1}:100:")))
            .ToList();
        expected.Should().NotBeEmpty();
        var recorded = (await node.Http.GetFromJsonAsync<JsonElement>("/api/milestones?limit=1000")).EnumerateArray()
            .Select(m => m.GetProperty("milestoneId").GetString()!).ToHashSet();
        await Eventually.Assert(async () =>
        {
            var published = (await ReadStreamAsync(stream + "-milestones"))
                .Select(r => JsonDocument.Parse(r.Data).RootElement)
                .Select(m => (Id: m.GetProperty("milestoneId").GetString()!, Revoked: m.GetProperty("revoked").GetBoolean()))
                .ToList();
            foreach (var prefix in expected)
                published.Where(m => m.Id.StartsWith(prefix, StringComparison.Ordinal)).Should().Contain(m => !m.Revoked, prefix);
            published.Select(m => m.Id).Should().Contain(recorded, "every milestone the node recorded was published at least once");
        }, TimeSpan.FromSeconds(60));
        output.WriteLine($"{expected.Count} expected milestones, {recorded.Count} recorded, all on the output stream");
    }

    /// <summary>Every record of every shard, read from kinesalite directly (not through the proxy).</summary>
    private async Task<List<KinesisRecord>> ReadStreamAsync(string stream)
    {
        using var client = kinesis.CreateClient();
        return await KinesisStreams.ReadAllAsync(client, stream);
    }
}
