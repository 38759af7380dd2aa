// The operator CLI against one live node (kinesalite + SQLite, operator token set): what it prints equals what
// the HTTP API says, changing commands need the token, the journal commands, metrics, usage errors, the prompt.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Akka.Actor;
using Basketball.Cluster.Operations;
using Basketball.Domain.Events;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.DeadLetters;
using Basketball.Kinesis;
using Basketball.Ops;
using Basketball.Shards.Entities;
using Microsoft.Extensions.DependencyInjection;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Cluster.Tests.Operations;

public sealed class CliNode : IAsyncLifetime
{
    public const string Token = "test-operator-token";
    private readonly TempDirectory _directory = new();

    public KinesaliteFixture Kinesis { get; } = new();

    public InProcessNode Node { get; private set; } = null!;

    public string Stream { get; } = KinesaliteFixture.UniqueStreamName("ops");

    public string JournalFile => _directory.File("basketball.db");

    public string Ops => Node.OpsAddress;

    public async Task InitializeAsync()
    {
        await Kinesis.InitializeAsync();
        await Kinesis.CreateStreamAsync(Stream, 2);
        Node = await InProcessNode.StartAsync($"sqlite:{JournalFile}",
            "basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms, lease-check-every = 500ms }",
            new Dictionary<string, string>
            {
                ["KINESIS_ENDPOINT"] = Kinesis.Endpoint.ToString().TrimEnd('/'),
                ["BASKETBALL_STREAM"] = Stream,
                ["BASKETBALL_MILESTONES_STREAM"] = Stream + "-milestones",
                ["BASKETBALL_CREATE_STREAMS"] = "true",
                [OpsHosting.TokenVariable] = Token,
            });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Kinesis.DisposeAsync();
        _directory.Dispose();
    }
}

public class OperatorCliTests(CliNode fixture) : IClassFixture<CliNode>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly InProcessNode _node = fixture.Node;
    private readonly string _ops = fixture.Ops;

    [Fact]
    public async Task Game_show_and_player_show_print_what_the_HTTP_API_says()
    {
        await _node.Games.Ask<EventsProcessed>(new ProcessEvents("g-cli",
            [Scheduled("g-cli"), Started("g-cli"), Score("g-cli", "t-1", "p-cli-1", 3), Score("g-cli", "t-2", "p-cli-2", 2, clockSeconds: 500)]), Timeout);
        await Eventually.Until(async () => (await _node.Http.GetAsync("/api/players/p-cli-1")).IsSuccessStatusCode, Timeout, "the player line arrived");

        var game = await CliRunner.RunAsync(_ops, "game", "show", "g-cli");
        game.Exit.Should().Be(0, game.ToString());
        game.Lines[0].Should().StartWith("game g-cli | InProgress | t-1 3 - 2 t-2 | plays: 2");
        game.Lines.Should().Contain(l => l.StartsWith("p-cli-1") && l.Contains("|   3 |"));
        await JsonEquals("/api/games/g-cli", "game", "show", "g-cli");

        var player = await CliRunner.RunAsync(_ops, "player", "show", "p-cli-1");
        player.Exit.Should().Be(0, player.ToString());
        player.Lines[1].Should().StartWith("games: 1 | points: 3 |");
        await JsonEquals("/api/players/p-cli-1", "player", "show", "p-cli-1");

        var missing = await CliRunner.RunAsync(_ops, "game", "show", "g-none");
        missing.Exit.Should().Be(OpsExit.Failed);
        missing.Error.Should().Contain("no game 'g-none'");
    }

    [Fact]
    public async Task Deadletters_peek_prints_what_the_HTTP_API_says()
    {
        var store = _node.App.Services.GetRequiredService<DeadLetterStore>();
        await store.StoreManyAsync(
        [
            new DeadLetter("malformed_json", "not JSON: '{' expected", null, null, "pk-1", "shardId-000000000000", "1001", "{oops"u8.ToArray(), DateTimeOffset.UtcNow),
            new DeadLetter("invalid_value", "eventData.points is 4", "e-dl", "g-dl", "g-dl", "shardId-000000000001", "1002", "{}"u8.ToArray(), DateTimeOffset.UtcNow),
        ]);

        var peek = await CliRunner.RunAsync(_ops, "deadletters", "peek", "-n", "2");
        peek.Exit.Should().Be(0, peek.ToString());
        peek.Lines.Should().HaveCount(3);
        peek.Lines[^1].Should().Be("Count: 2 dead letters");
        peek.Out.Should().Contain("| invalid_value | shardId-000000000001/1002 | e-dl | eventData.points is 4 |");
        await JsonEquals("/api/deadletters?limit=2", "deadletters", "peek", "-n", "2");
    }

    [Fact]
    public async Task A_changing_command_without_the_token_is_refused_and_changes_nothing_and_with_it_works()
    {
        var checkpoints = _node.App.Services.GetRequiredService<ICheckpointStore>();
        var shard = "shardId-000000000001";
        // The node's reader holds the shard first, so the refusal is checked against a lease that could change.
        await Eventually.Until(async () => (await checkpoints.GetAsync(fixture.Stream, shard))?.Owner is not null, Timeout, "the reader holds the shard");
        var before = (await checkpoints.GetAsync(fixture.Stream, shard))!;

        var refused = await CliRunner.RunAsync(_ops, "ingress", "reset", "-s", shard, "--to", "LATEST");
        refused.Exit.Should().Be(OpsExit.Unauthorized, refused.ToString());
        refused.Error.Should().Contain("requires the operator token");
        var wrong = await CliRunner.RunAsync(_ops, "ingress", "reset", "-s", shard, "--to", "LATEST", "--token", "nope");
        wrong.Exit.Should().Be(OpsExit.Unauthorized);
        wrong.Error.Should().Contain("the operator token is wrong");
        // The running reader refreshes updated_at on every save, so the refusal is checked on everything else.
        (await checkpoints.GetAsync(fixture.Stream, shard)).Should().BeEquivalentTo(before,
            options => options.ComparingByMembers<ShardCheckpoint>().Excluding(checkpoint => checkpoint.UpdatedAt), "a refused command changes nothing");
        (await CliRunner.RunAsync(_ops, "journal", "rebuild-projections")).Exit.Should().Be(OpsExit.Unauthorized);

        var reset = await CliRunner.RunAsync(_ops, "ingress", "reset", "-s", shard, "--to", "LATEST", "--token", CliNode.Token);
        reset.Exit.Should().Be(0, reset.ToString());
        reset.Lines[0].Should().Be($"{shard} of {fixture.Stream}: reset to LATEST");
        var after = await checkpoints.GetAsync(fixture.Stream, shard);
        after!.StartPosition.Should().Be(ShardStartPosition.Latest);
        after.Epoch.Should().BeGreaterThan(before.Epoch, "the reset fences the current reader");

        // The token can also come from the environment, as for pbm users' scripts.
        var fromEnvironment = await CliRunner.RunAsync([_ops, "journal", "rebuild-projections"], null, CancellationToken.None,
            new Dictionary<string, string> { [OpsHosting.TokenVariable] = CliNode.Token });
        fromEnvironment.Exit.Should().Be(0, fromEnvironment.ToString());
        fromEnvironment.Out.Should().Contain("league projections dropped; rebuilding");

        var badShard = await CliRunner.RunAsync(_ops, "ingress", "reset", "-s", "shardId-9", "--to", "LATEST", "--token", CliNode.Token);
        badShard.Exit.Should().Be(OpsExit.Failed);
        badShard.Error.Should().Contain("has no shard 'shardId-9'");
        var badPosition = await CliRunner.RunAsync(_ops, "ingress", "reset", "-s", shard, "--to", "YESTERDAY", "--token", CliNode.Token);
        badPosition.Exit.Should().Be(OpsExit.Usage);
    }

    [Fact]
    public async Task Journal_verify_and_replay_from_the_CLI()
    {
        // Three deliveries, three journal rows: a batch row (gb1) of two events, then one row per score.
        await _node.Games.Ask<EventsProcessed>(new ProcessEvents("g-jv", [Scheduled("g-jv"), Started("g-jv")]), Timeout);
        await _node.Games.Ask<EventsProcessed>(new ProcessEvents("g-jv", [Score("g-jv", "t-1", "p-jv", 3)]), Timeout);
        await _node.Games.Ask<EventsProcessed>(new ProcessEvents("g-jv", [Score("g-jv", "t-1", "p-jv", 2, clockSeconds: 400)]), Timeout);
        var atTwo = await _node.Http.GetStringAsync("/api/games/g-jv");

        var healthy = await CliRunner.RunAsync(_ops, "journal", "verify", "-p", "game-g-jv");
        healthy.Exit.Should().Be(0, healthy.ToString());
        healthy.Lines.Should().Equal("game-g-jv at version 3: the live state equals a full replay of 4 events");

        // `journal replay` reads the database itself: it needs no node (the address given is not even listening).
        var replay = await CliRunner.RunAsync("127.0.0.1:1", "journal", "replay", "-p", "game-g-jv", "--to-seq", "1", "--journal", $"sqlite:{fixture.JournalFile}", "--json");
        replay.Exit.Should().Be(0, replay.ToString());
        replay.Json.GetProperty("version").GetInt64().Should().Be(1);
        replay.Json.GetProperty("events").GetInt32().Should().Be(2, "row 1 is the batch of the schedule and the start");
        replay.Json.GetProperty("projection").GetProperty("status").GetString().Should().Be("InProgress");
        replay.Json.GetProperty("projection").GetProperty("plays").GetInt32().Should().Be(0);
        var full = await CliRunner.RunAsync("127.0.0.1:1", "journal", "replay", "-p", "game-g-jv", "--journal", $"sqlite:{fixture.JournalFile}", "--json");
        JsonNode.DeepEquals(JsonNode.Parse(full.Json.GetProperty("projection").GetRawText()), JsonNode.Parse(atTwo)).Should().BeTrue(full.Out);
        var none = await CliRunner.RunAsync("journal", "replay", "-p", "game-g-none", "--journal", $"sqlite:{fixture.JournalFile}");
        none.Exit.Should().Be(OpsExit.Failed);
        none.Error.Should().Contain("no events of game-g-none");

        // Tamper: the journal loses the entity's last event; the live entity still has it.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fixture.JournalFile}"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM journal WHERE persistence_id = 'game-g-jv' AND sequence_number = 3";
            delete.ExecuteNonQuery().Should().Be(1);
        }
        var tampered = await CliRunner.RunAsync(_ops, "journal", "verify", "-p", "game-g-jv");
        tampered.Exit.Should().Be(OpsExit.Failed, tampered.ToString());
        tampered.Lines[0].Should().StartWith("game-g-jv at version 3:").And.Contain("differences");
        tampered.Out.Should().Contain("score.t-1: 5 ≠ 3");
    }

    [Fact]
    public async Task Metrics_parse_as_Prometheus_text_and_move_when_events_flow()
    {
        var before = Parse(await _node.Http.GetStringAsync("/metrics"));
        using var client = fixture.Kinesis.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(fixture.Stream));
        var events = new[] { Scheduled("g-mx"), Started("g-mx"), Score("g-mx", "t-1", "p-mx", 2), Score("g-mx", "t-2", "p-mx2", 3, clockSeconds: 500) };
        (await producer.PutAsync(events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList()))
            .Records.Should().OnlyContain(r => r.Succeeded);
        await Eventually.Until(async () => (await _node.Http.GetFromJsonAsync<JsonElement>("/api/games/g-mx")).GetProperty("plays").GetInt32() == 2,
            Timeout, "the events were applied", TimeSpan.FromMilliseconds(100));

        // The entity's state is visible before its answer reaches the reader, so every ingress series can trail it a
        // moment: the batch's counters move once all its deliveries answered, the shard lag when the reader takes the
        // batch's outcome (a message after that), and prometheus-net samples observable .NET instruments on its own
        // schedule. The journal's write histogram moves before the state is visible.
        await Eventually.Assert(async () =>
        {
            var samples = Parse(await _node.Http.GetStringAsync("/metrics"));
            Sum(samples, "basketball_events_applied_total").Should().BeGreaterThanOrEqualTo(Sum(before, "basketball_events_applied_total") + 4);
            Sum(samples, "basketball_records_read_total").Should().BeGreaterThanOrEqualTo(Sum(before, "basketball_records_read_total") + 4);
            Sum(samples, "basketball_journal_write_seconds_count").Should().BeGreaterThan(Sum(before, "basketball_journal_write_seconds_count"));
            samples.Should().Contain(s => s.Name == "basketball_shard_millis_behind_latest");
            samples.Should().Contain(s => s.Name == "basketball_entities_alive" && s.Labels.Contains("type=\"game\"") && s.Value >= 1);
        }, Timeout);
    }

    [Fact]
    public async Task Errors_exit_non_zero_with_a_message()
    {
        var palette = await CliRunner.RunAsync(_ops, "nope", "show");
        palette.Exit.Should().Be(OpsExit.Usage);
        palette.Error.Should().Contain("'nope'");

        var missing = await CliRunner.RunAsync(_ops, "cluster-sharding", "region-stats");
        missing.Exit.Should().Be(OpsExit.Usage);
        missing.Error.Should().Contain("-r");

        var type = await CliRunner.RunAsync(_ops, "cluster", "sharding", "region-stats", "-r", "teams", "--json");
        type.Exit.Should().Be(OpsExit.Usage);
        type.Json.GetProperty("error").GetString().Should().Contain("no sharded type 'teams'; types: game, player");

        var unreachable = await CliRunner.RunAsync($"127.0.0.1:{FreePort.Next()}", "cluster", "show");
        unreachable.Exit.Should().Be(OpsExit.Unreachable);
        unreachable.Error.Should().Contain("connection refused");
    }

    [Fact]
    public async Task The_interactive_prompt_runs_commands_and_help()
    {
        var session = await CliRunner.RunAsync([_ops], "help cluster-sharding\ncluster sharding regions\ncluster show --json\nexit\n", CancellationToken.None);
        session.Exit.Should().Be(0, session.ToString());
        session.Out.Should().Contain($"[{_ops}] pbm> cluster sharding regions");
        session.Out.Should().Contain("cluster-sharding region-stats -r <value>");
        session.Lines.Should().Contain("Count: 3 regions");
        session.Out.Should().Contain("\"count\": 1");
    }

    [Fact]
    public async Task Cluster_tail_streams_membership_until_the_operator_stops_it()
    {
        using var stop = new CancellationTokenSource(Timeout);
        var output = new ConcurrentWriter();
        var tail = CliRunner.RunAsync([_ops, "cluster", "tail"], null, stop.Token, output: output);
        await Eventually.Until(() => output.Text.Contains("MemberUp"), Timeout, "the tail printed the current members");
        await stop.CancelAsync();
        var result = await tail;
        result.Exit.Should().Be(0, result.ToString());
        Regex.IsMatch(result.Lines[0], @"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] MemberUp akka\.tcp://basketball@127\.0\.0\.1:\d+ \| up$").Should().BeTrue(result.Lines[0]);
    }

    [Theory]
    [InlineData("0.0.0.0:9110", null, "reachable from other machines: set BASKETBALL_OPS_TOKEN")]
    [InlineData("10.1.2.3:9110", "", "reachable from other machines")]
    [InlineData("ops.example:9110", "t", "must be ip:port")]
    [InlineData("127.0.0.1", null, "must be ip:port")]
    public void A_non_loopback_operator_bind_refuses_to_start_without_a_token(string address, string? token, string message)
    {
        var parse = () => OpsEndpoint.Parse(address, token);
        parse.Should().Throw<InvalidOperationException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void Loopback_binds_need_no_token_and_others_accept_one()
    {
        OpsEndpoint.Parse("127.0.0.1:9110", null).Token.Should().BeNull();
        OpsEndpoint.Parse("localhost:9110", null).Bind.Port.Should().Be(9110);
        OpsEndpoint.Parse("0.0.0.0:9110", "secret").Token.Should().Be("secret");
    }

    private async Task JsonEquals(string httpPath, params string[] command)
    {
        var http = JsonNode.Parse(await _node.Http.GetStringAsync(httpPath));
        var cli = await CliRunner.RunAsync([_ops, .. command, "--json"], null, CancellationToken.None);
        cli.Exit.Should().Be(0, cli.ToString());
        JsonNode.DeepEquals(JsonNode.Parse(cli.Out), http).Should().BeTrue($"`{string.Join(' ', command)} --json` equals GET {httpPath}\n{cli.Out}\n{http}");
    }

    private sealed record Sample(string Name, string Labels, double Value);

    /// <summary>Prometheus text exposition format: # HELP / # TYPE lines, then `name{labels} value` samples.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        var pattern = new Regex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( \d+)?$");
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                Regex.IsMatch(line, @"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$").Should().BeTrue($"comment line '{line}'");
                continue;
            }
            var match = pattern.Match(line);
            match.Success.Should().BeTrue($"sample line '{line}' is Prometheus text");
            samples.Add(new Sample(match.Groups[1].Value, match.Groups[3].Value, double.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    private static double Sum(IEnumerable<Sample> samples, string name) => samples.Where(s => s.Name == name).Sum(s => s.Value);
}
