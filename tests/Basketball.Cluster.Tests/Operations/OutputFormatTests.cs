// Golden outputs: every command's text (pbm's line formats) and its --json, from fixed inputs, against files in
// Golden/. A change of format shows up as a diff of those files. UPDATE_GOLDEN=1 rewrites them.
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Basketball.Cluster.Operations;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;
using Basketball.Ingress.DeadLetters;
using Basketball.Ops;

namespace Basketball.Cluster.Tests.Operations;

public class OutputFormatTests
{
    private const string A = "akka.tcp://basketball@10.0.0.1:4053";
    private const string B = "akka.tcp://basketball@10.0.0.2:4053";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 20, 15, 30, TimeSpan.Zero);

    [Fact]
    public void Cluster_show() => Golden("cluster-show", new ClusterShow(
    [
        new MemberView(A, ["dc-default"], "up", false, "1.0.0"),
        new MemberView(B, [], "up", true, "1.0.0"),
    ]), s => s.Lines());

    [Fact]
    public void Cluster_status() => Golden("cluster-status", new ClusterStatus(A, "up", A, 3, 1), s => s.Lines());

    [Fact]
    public void Cluster_down_unreachable() => Golden("cluster-down-unreachable", new ClusterChange("downing", [B]), s => s.Lines());

    [Fact]
    public void Cluster_down_unreachable_with_nothing_unreachable() => Golden("cluster-down-unreachable-none", new ClusterChange("downing", []), s => s.Lines());

    [Fact]
    public void Cluster_leader() => Golden("cluster-leader", new LeaderView(null, A), l => l.Lines());

    [Fact]
    public void Cluster_leader_of_a_role_without_one() => Golden("cluster-leader-none", new LeaderView("ingest", null), l => l.Lines());

    [Fact]
    public void Cluster_leave() => Golden("cluster-leave", new ClusterChange("leaving", [B]), s => s.Lines());

    [Fact]
    public void Cluster_sharding_regions() => Golden("cluster-sharding-regions", new RegionList(["game", "player"]), r => r.Lines());

    [Fact]
    public void Journal_rebuild_projections() => Golden("journal-rebuild-projections", new ProjectionsRebuilding(true), r => r.Lines());

    [Fact]
    public void Cluster_tail() => Golden("cluster-tail", new MembershipEvent(At, "MemberUp", B, "up"), e => [e.Line]);

    [Fact]
    public void Region_stats_with_a_failed_shard_and_a_slow_member() => Golden("region-stats", new RegionStatsReport("game",
    [
        new RegionStats(A, true, 12, 40, [], null),
        new RegionStats(B, false, 9, 31, ["17"], null),
        new RegionStats("akka.tcp://basketball@10.0.0.3:4053", false, null, null, [], "no answer within 3 s"),
    ]), r => r.Lines());

    [Fact]
    public void Shard_stats_and_entity_ids() => Golden("shard-stats", new ShardStatsReport("game",
    [
        new ShardView("3", A, ["g-1", "g-7"]),
        new ShardView("12", B, ["g-2"]),
    ], []), r => [.. r.Lines(), "--- entity-ids", .. r.EntityLines()]);

    [Fact]
    public void Actor_hierarchy() => Golden("actor-hierarchy", new ActorHierarchy("/user", 2, ["/user/kinesis-ingress", "/user/ops-agent"]), h => h.Lines());

    [Fact]
    public void Actor_system() => Golden("actor-system", new SystemInfo("basketball", A, At, new TimeSpan(1, 2, 3, 4), "1.5.73", ".NET 10.0.0", 2,
        200 * 1024 * 1024, 40 * 1024 * 1024, 31), s => s.Lines());

    [Fact]
    public void Ingress_status() => Golden("ingress-status", new IngressStatusReport("basketball-events",
    [
        new ShardIngress("shardId-000000000000", A, true, "49590338271490256608559692538361571095921575989136588898", false, 3, 120, 512.5),
        new ShardIngress("shardId-000000000001", B, false, null, false, 1, null, null),
        new ShardIngress("shardId-000000000002", A, false, "4959", true, 2, null, null),
    ], ["akka.tcp://basketball@10.0.0.3:4053"]), r => r.Lines());

    [Fact]
    public void Ingress_reset() => Golden("ingress-reset", new IngressReset("basketball-events", "shardId-000000000001", "TRIM_HORIZON"), r => r.Lines());

    [Fact]
    public void Game_show() => Golden("game-show", Game(), DomainPalettes.GameLines);

    [Fact]
    public void Player_show() => Golden("player-show", new PlayerProjection("p-1", "Ada Hoops", "t-1", 2, 45, 5, 14, 4, 22.5, new CareerHigh(30, "g-1"),
        ImmutableSortedDictionary<string, int>.Empty.Add("g-1", 30).Add("g-2", 15), 9), DomainPalettes.PlayerLines);

    [Fact]
    public void Milestones_list() => Golden("milestones-list", new[]
    {
        new Milestone("g-1:PlayerPointsInGame:p-1:30:1", "PlayerPointsInGame", "g-1", "Game", "p-1", 30, 31, 1, false, "g-1", "e-9", At),
        new Milestone("g-1:PlayerPointsInGame:p-1:10:2", "PlayerPointsInGame", "g-1", "Game", "p-1", 10, 10, 2, true, "g-1", "e-4", At),
    }, ms => ms.Select(DomainPalettes.MilestoneLine).ToList());

    [Fact]
    public void Deadletters_peek() => Golden("deadletters-peek", new[]
    {
        new DeadLetter("malformed_json", "the record is not JSON: 'x' is an invalid start of a value", null, null, "pk", "shardId-000000000000", "4959", "x{"u8.ToArray(), At),
        new DeadLetter("invalid_value", "eventData.points is 4 but a three_pointer is worth 3", "e-1", "g-1", "g-1", null, null, "{\"eventId\":\"e-1\"}"u8.ToArray(), At),
    }, ds => ds.Select(DomainPalettes.DeadLetterLine).ToList());

    [Fact]
    public void Journal_verify_healthy() => Golden("journal-verify-healthy", new VerifyReport("game-g-1", 130, 130, []), r => r.Lines());

    [Fact]
    public void Journal_verify_with_differences() =>
        Golden("journal-verify-differences", new VerifyReport("game-g-1", 130, 129, ["score.t-1: 54 ≠ 52", "eventsApplied: 130 ≠ 129"]), r => r.Lines());

    [Fact]
    public void Journal_replay() => Golden("journal-replay", new ReplayReport("game-g-1", 130, 130, Game()), r => r.Lines());

    private static GameProjection Game() => new("g-1", "Completed", "t-1", "t-2",
        ImmutableSortedDictionary<string, int>.Empty.Add("t-1", 101).Add("t-2", 99),
        [new PeriodScore(1, ImmutableSortedDictionary<string, int>.Empty.Add("t-1", 25).Add("t-2", 30)),
            new PeriodScore(5, ImmutableSortedDictionary<string, int>.Empty.Add("t-1", 12).Add("t-2", 8))],
        ImmutableSortedDictionary<string, PlayerBoxScore>.Empty
            .Add("p-1", new PlayerBoxScore("t-1", 31, 5, 10, 2))
            .Add("p-22", new PlayerBoxScore("t-2", 12, 0, 3, 2)),
        7, new Lead("t-2", 11), 96, 130, "e-130", 130);

    /// <summary>Checks the text against Golden/{name}.txt and the JSON (as --json prints it) against Golden/{name}.json.</summary>
    private static void Golden<T>(string name, T value, Func<T, IReadOnlyList<string>> text, [CallerFilePath] string source = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(source)!, "Golden");
        Compare(Path.Combine(directory, name + ".txt"), string.Join('\n', text(value)) + "\n");
        Compare(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(value, value!.GetType(), OpsJson.Indented) + "\n");
    }

    private static void Compare(string file, string actual)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(file, actual);
            return;
        }
        File.Exists(file).Should().BeTrue($"{file} exists (run the tests once with UPDATE_GOLDEN=1 to write it, then review it)");
        actual.Should().Be(File.ReadAllText(file).ReplaceLineEndings("\n"), $"the output matches {Path.GetFileName(file)}");
    }
}
