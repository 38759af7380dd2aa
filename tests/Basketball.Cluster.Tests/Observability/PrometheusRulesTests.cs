// The Prometheus configuration, the alert rules and the dashboard's queries pass promtool, and every alert is
// unit-tested at its threshold (docker/prometheus/basketball.test.yml).
namespace Basketball.Cluster.Tests.Observability;

public class PrometheusRulesTests
{
    [Fact]
    public async Task The_prometheus_configuration_passes_promtool_check_config()
    {
        var (exitCode, output) = await Promtool.RunAsync("check", "config", ObservabilityFiles.PrometheusConfig);
        exitCode.Should().Be(0, output);
        output.Should().Contain("1 rule files found", "the config loads the rules file");
    }

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_rules()
    {
        var (exitCode, output) = await Promtool.RunAsync("check", "rules", ObservabilityFiles.Rules);
        exitCode.Should().Be(0, output);
    }

    [Fact]
    public async Task Every_alert_fires_just_above_its_threshold_and_not_at_it()
    {
        var (exitCode, output) = await Promtool.RunAsync("test", "rules", ObservabilityFiles.RulesTests);
        exitCode.Should().Be(0, output);
        output.Should().Contain("SUCCESS");
    }

    [Fact]
    public void Every_alert_has_a_unit_test()
    {
        var alerts = ObservabilityFiles.RuleEntries().Select(r => r.Alert).OfType<string>().ToList();
        alerts.Should().Contain(["BasketballConsumerLagWarning", "BasketballConsumerLagCritical", "BasketballProcessingErrorRateWarning",
            "BasketballProcessingErrorRateCritical", "BasketballMalformedShareHigh"]);
        var tested = File.ReadAllLines(ObservabilityFiles.RulesTests)
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("alertname:", StringComparison.Ordinal))
            .Select(line => line["alertname:".Length..].Trim())
            .ToHashSet();
        alerts.Should().OnlyContain(alert => tested.Contains(alert), "an alert without a promtool unit test may never fire");
    }

    [Fact]
    public async Task The_dashboard_queries_are_valid_promql_over_recorded_rules()
    {
        var queries = ObservabilityFiles.DashboardQueries();
        queries.Should().HaveCountGreaterThan(10);
        var recorded = ObservabilityFiles.RuleEntries().Select(r => r.Record).OfType<string>().ToHashSet();
        foreach (var (panel, expr) in queries)
            ObservabilityFiles.RecordingRulesIn(expr).Where(rule => !recorded.Contains(rule)).Should().BeEmpty($"panel '{panel}' reads recorded series");

        // promtool parses PromQL only inside rules: each query becomes a recording rule, Grafana's variables replaced
        // by what they stand for.
        using var directory = new TempDirectory();
        var file = directory.File("dashboard-queries.yml");
        var rules = queries.Select((q, i) =>
            $"      - record: dashboard:query_{i}:check\n        expr: '{q.Expr.Replace("$__rate_interval", "1m").Replace("$instance", ".*").Replace("'", "''")}'");
        await File.WriteAllTextAsync(file, "groups:\n  - name: dashboard\n    rules:\n" + string.Join("\n", rules) + "\n");
        var (exitCode, output) = await Promtool.RunAsync("check", "rules", file);
        exitCode.Should().Be(0, output);
    }
}
