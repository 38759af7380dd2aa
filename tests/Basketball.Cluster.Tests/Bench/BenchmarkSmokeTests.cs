using System.Text.Json;
using Basketball.Bench;

namespace Basketball.Cluster.Tests.Bench;

/// <summary>
/// The benchmark at smoke size: every figure is measured through the same code as `./basketball.sh bench`, so
/// a benchmark that breaks fails here. The values are not judged (a smoke run is too small to saturate
/// anything); that they exist, are positive and reach the report is.
/// It runs alone in its test process (after the parallel classes): the memory figures are differences of this
/// process's managed heap, which another class's entities would move.
/// </summary>
[Collection(Name)]
public class BenchmarkSmokeTests
{
    public const string Name = "benchmark, alone in the process";

    [Fact]
    public async Task The_smoke_run_measures_every_figure_beside_its_baseline_and_writes_the_report()
    {
        var size = BenchSize.Smoke with { Postgres = !PostgresFixture.IsSkipped };
        var lines = new List<string>();
        var report = await new BenchmarkSuite(size, lines.Add).RunAsync(CancellationToken.None);

        var expected = new List<string>
        {
            "pipeline throughput, 1 node, SQLite", "latency p50", "latency p95", "latency p99", "replay", "recovery", "memory per live Game",
            "memory per live Player",
        };
        if (size.Postgres)
            expected.AddRange(["pipeline throughput, 1 node, PostgreSQL", "pipeline throughput, 3 nodes, PostgreSQL", "failover"]);
        foreach (var name in expected)
            report.Figures.Should().Contain(f => f.Figure.StartsWith(name), $"the run measures {name}");

        report.Figures.Should().OnlyContain(f => double.IsFinite(f.Value) && f.Value > 0, "every figure is a measurement:\n{0}", report.ToMarkdown());
        report.Figures.SelectMany(f => f.Baselines).Should().OnlyContain(b => double.IsFinite(b.Value) && b.Value > 0 && b.Ratio > 0);
        report.Figures.Where(f => f.Figure.StartsWith("pipeline throughput")).Should()
            .OnlyContain(f => f.Baselines.Count == 2, "throughput is judged against raw drain and raw insert");
        report.Figures.Where(f => f.Target != "—").Should().OnlyContain(f => f.Met != null, "a figure with a target says whether it holds");

        var markdown = report.ToMarkdown();
        foreach (var figure in report.Figures)
            markdown.Should().Contain($"| {figure.Figure} |");
        using var json = JsonDocument.Parse(report.ToJson());
        json.RootElement.GetProperty("figures").GetArrayLength().Should().Be(report.Figures.Count);
        json.RootElement.GetProperty("machine").GetProperty("cores").GetInt32().Should().Be(Environment.ProcessorCount);
    }
}

[CollectionDefinition(BenchmarkSmokeTests.Name, DisableParallelization = true)]
public sealed class BenchmarkCollection;
