// Every series the alert rules and the dashboard read exists on a real node's /metrics: promtool cannot catch a
// misspelt metric name, a query over a series nobody publishes just stays empty.
using Basketball.Domain.Events;
using Basketball.Ingress.Consumer;
using Prometheus;

namespace Basketball.Cluster.Tests.Observability;

public class MetricNamesTests(ObservedNode fixture) : IClassFixture<ObservedNode>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_metric_the_rules_and_the_dashboard_read_is_published_by_a_node()
    {
        var used = ObservabilityFiles.RuleEntries().Select(r => r.Expr)
            .Concat(ObservabilityFiles.DashboardQueries().Select(q => q.Expr))
            .SelectMany(ObservabilityFiles.MetricNamesIn)
            .ToHashSet();
        // The extraction itself works: the names the issue asks for are among those found.
        used.Should().Contain(["basketball_events_applied_total", "basketball_shard_millis_behind_latest", "basketball_shard_checkpoint_lag_records",
            "basketball_dead_letters_total", "basketball_journal_write_seconds_bucket", "basketball_entities_alive",
            "system_runtime_dotnet_gc_collections", "system_runtime_dotnet_thread_pool_thread_count"]);

        // Histograms and the runtime's observable instruments appear with their first measurement, and a series fed from
        // a .NET meter goes when it has not changed for a while (prometheus-net's MeterAdapter): each try first posts one
        // more score, so that a journal write is measured just before the scrape.
        HashSet<string> published = [];
        await Eventually.Assert(async () =>
        {
            var body = System.Text.Encoding.UTF8.GetString(EventJson.Serialize(TestEvents.Score("g-obs", "t-1", "p-obs", 2)));
            using (var posted = await fixture.Node.Http.PostAsync("/api/events", new StringContent("[" + body + "]", System.Text.Encoding.UTF8, "application/json")))
                posted.EnsureSuccessStatusCode();
            published = PublishedNames(await fixture.Node.Http.GetStringAsync("/metrics"));
            used.Except(published).Should().BeEmpty("each of these is read by a rule or a panel");
        }, Timeout);
    }

    [Fact]
    public async Task Dead_letter_reasons_are_published_at_zero_before_the_first_letter()
    {
        // rate() needs the series before the first increase, or a node's first processing_failed letter is never counted.
        var text = await fixture.Node.Http.GetStringAsync("/metrics");
        text.Should().Contain("basketball_dead_letters_total{reason=\"processing_failed\"}")
            .And.Contain("basketball_dead_letters_total{reason=\"malformed_json\"}");
    }

    [Fact]
    public async Task A_shard_read_here_reports_its_lag_until_its_reader_stops()
    {
        var shard = $"lag-test-{Guid.NewGuid():N}";
        var board = new IngressStatusBoard();
        var status = new ShardStatus(shard) { Reading = true };
        status.ReportRead(new ShardRecordBatch([], "next", 42_000)); // an empty answer from Kinesis still says how far behind
        status.ReportCheckpointLag(7);
        board.Track(status);
        var metrics = new IngressMetrics();

        metrics.ShardLagFrom(board);
        (await Exported()).Should().Contain($"basketball_shard_millis_behind_latest{{shard=\"{shard}\"}} 42000")
            .And.Contain($"basketball_shard_checkpoint_lag_records{{shard=\"{shard}\"}} 7", "the probe sets both series again");

        metrics.ShardStopped(shard);
        (await Exported()).Should().NotContain(shard, "a shard this node no longer reads must not hold its last lag");
    }

    private static async Task<string> Exported()
    {
        using var buffer = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The sample names of a Prometheus text exposition (histogram samples keep their _bucket/_sum/_count).</summary>
    private static HashSet<string> PublishedNames(string exposition) => exposition.Split('\n')
        .Where(line => line.Length > 0 && line[0] != '#')
        .Select(line => line[..line.IndexOfAny(['{', ' '])])
        .ToHashSet();
}
