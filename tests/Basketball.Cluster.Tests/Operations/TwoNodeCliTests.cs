// The operator CLI against a live two-node cluster (real node processes on PostgreSQL and kinesalite): `cluster
// show`, `region-stats`, `cluster leave -a`, and `cluster down-unreachable` after a kill -9. The nodes run
// without the Split Brain Resolver, so that downing an unreachable node is the operator's job, as pbm users do it.
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Kinesis;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Cluster.Tests.Operations;

[Collection(KinesaliteCollection.Name)]
public class TwoNodeCliTests(KinesaliteFixture kinesis, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task Cluster_show_region_stats_leave_and_down_unreachable_on_a_live_cluster()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("akka.hocon"), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")) + """

            akka.cluster.downing-provider-class = ""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 5s
            basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms, lease-check-every = 500ms }
            """);
        var stream = KinesaliteFixture.UniqueStreamName("cli2");
        await kinesis.CreateStreamAsync(stream, 2);
        var seedPort = FreePort.Next();
        var env = new Dictionary<string, string>
        {
            ["KINESIS_ENDPOINT"] = kinesis.Endpoint.ToString().TrimEnd('/'),
            ["BASKETBALL_STREAM"] = stream,
            ["BASKETBALL_MILESTONES_STREAM"] = stream + "-milestones",
            ["BASKETBALL_JOURNAL"] = "postgres:" + await postgres.CreateDatabaseAsync(),
            ["BASKETBALL_SEEDS"] = $"akka.tcp://basketball@127.0.0.1:{seedPort}",
        };
        await using var first = await NodeProcess.StartAsync(env, directory.Path, akkaPort: seedPort);
        await using var second = await NodeProcess.StartAsync(env, directory.Path);

        // cluster show: both members in pbm's line format, then the count.
        await Eventually.Assert(async () =>
        {
            var show = await CliRunner.RunAsync(first.OpsAddress, "cluster", "show");
            show.Exit.Should().Be(0, show.ToString());
            show.Lines.Should().Equal(
                new[] { first, second }.OrderBy(n => n.AkkaAddress, StringComparer.Ordinal).Select(n => $"{n.AkkaAddress} | [] | up |  | 1.0.0")
                    .Append("Count: 2 nodes"));
        }, Timeout);

        // region-stats counts the Game entities this test creates, wherever they live.
        var games = Enumerable.Range(1, 8).Select(i => $"g-cli2-{i}").ToArray();
        using var client = kinesis.CreateClient();
        await using (var producer = new KinesisProducer(client, new KinesisProducerOptions(stream)))
        {
            var events = games.SelectMany(g => new[] { Scheduled(g), Started(g) });
            (await producer.PutAsync(events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList()))
                .Records.Should().OnlyContain(r => r.Succeeded);
        }
        // Both events applied (the game in progress), not only the first: journal verify below counts them. Scheduled
        // and Started can come in two GetRecords batches, and the game exists after the first.
        foreach (var game in games)
        {
            await Eventually.Until(async () =>
            {
                var response = await first.Http.GetAsync($"/api/games/{game}");
                return response.IsSuccessStatusCode
                       && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString() == "InProgress";
            }, Timeout, $"{game} is in progress");
        }
        await Eventually.Assert(async () =>
        {
            var stats = await CliRunner.RunAsync(second.OpsAddress, "cluster-sharding", "region-stats", "-r", "game", "--json");
            stats.Exit.Should().Be(0, stats.ToString());
            stats.Json.GetProperty("entities").GetInt32().Should().Be(games.Length);
            stats.Json.GetProperty("regions").GetArrayLength().Should().Be(2);
            stats.Json.GetProperty("partial").GetBoolean().Should().BeFalse();
            var text = await CliRunner.RunAsync(second.OpsAddress, "cluster", "sharding", "region-stats", "-r", "game");
            text.Lines.Where(l => l.Contains("[coordinator](game)")).Should().ContainSingle(text.Out);
            text.Lines[^1].Should().EndWith($"| entities: {games.Length}");
        }, Timeout);

        // journal verify on PostgreSQL: the node replays the game straight from the journal table and finds it equal.
        var verify = await CliRunner.RunAsync(second.OpsAddress, "journal", "verify", "-p", $"game-{games[0]}", "--json");
        verify.Exit.Should().Be(0, verify.ToString());
        verify.Json.GetProperty("events").GetInt32().Should().Be(2);

        // cluster leave -a: the second node leaves; the first sees one member.
        var leave = await CliRunner.RunAsync(first.OpsAddress, "cluster", "leave", "-a", second.AkkaAddress);
        leave.Exit.Should().Be(0, leave.ToString());
        leave.Lines[0].Should().Be($"leaving: {second.AkkaAddress}");
        await Eventually.Assert(async () =>
            (await CliRunner.RunAsync(first.OpsAddress, "cluster", "show")).Lines.Should().Equal($"{first.AkkaAddress} | [] | up |  | 1.0.0", "Count: 1 nodes"),
            Timeout);

        // A third node joins, is killed (kill -9) and shows as unreachable; down-unreachable downs it.
        await using var third = await NodeProcess.StartAsync(env, directory.Path);
        await Eventually.Assert(async () =>
            (await CliRunner.RunAsync(first.OpsAddress, "cluster", "show")).Lines[^1].Should().Be("Count: 2 nodes"), Timeout);
        await third.KillAsync();
        await Eventually.Assert(async () =>
            (await CliRunner.RunAsync(first.OpsAddress, "cluster", "show")).Lines
                .Should().Contain($"{third.AkkaAddress} | [] | up | unreachable | 1.0.0"), Timeout);
        var down = await CliRunner.RunAsync(first.OpsAddress, "cluster", "down-unreachable");
        down.Exit.Should().Be(0, down.ToString());
        down.Lines.Should().Equal($"downing: {third.AkkaAddress}", "Count: 1 nodes");
        await Eventually.Assert(async () =>
            (await CliRunner.RunAsync(first.OpsAddress, "cluster", "show")).Lines.Should().Equal($"{first.AkkaAddress} | [] | up |  | 1.0.0", "Count: 1 nodes"),
            Timeout);
        // The games' shards that lived on the killed node move back to the survivor; each game answers again.
        foreach (var game in games)
            await Eventually.Until(async () => (await first.Http.GetAsync($"/api/games/{game}")).IsSuccessStatusCode, Timeout, $"{game} answers after the down");
    }
}
