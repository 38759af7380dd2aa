using System.Text.Json;
using Basketball.Bench;
using Xunit.Abstractions;

namespace Basketball.Cluster.Tests.Bench;

/// <summary>
/// The benchmark at smoke size: every figure is measured through the same code as `./basketball.sh bench`, so
/// a benchmark that breaks fails here. The values are not judged (a smoke run is too small to saturate
/// anything); that they exist, are positive, reach the report, and that each `met` is what its target says of
/// the figures, are.
/// It runs alone in its test process (after the parallel classes): the memory figures are differences of this
/// process's managed heap, which another class's entities would move.
/// </summary>
[Collection(Name)]
public class BenchmarkSmokeTests(ITestOutputHelper output)
{
    public const string Name = "benchmark, alone in the process";

    [Fact]
    public async Task The_smoke_run_measures_every_figure_beside_its_baseline_and_writes_the_report()
    {
        var size = BenchSize.Smoke with { Postgres = !PostgresFixture.IsSkipped };
        var lines = new List<string>();
        BenchReport report;
        // The smoke run takes about two minutes; far past that, the bench waits for something that will not come
        // (a bench step's own deadline is the full run's 20 minutes). Its progress lines say which step it was in.
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            try
            {
                report = await new BenchmarkSuite(size, line =>
                {
                    lock (lines)
                        lines.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
                }).RunAsync(deadline.Token);
            }
            finally
            {
                lock (lines)
                    output.WriteLine(string.Join('\n', lines));
            }
        }
        var markdown = report.ToMarkdown();

        var pipelines = new List<string> { "1 node, SQLite" };
        if (size.Postgres)
            pipelines.AddRange(["1 node, PostgreSQL (durability on)", "3 nodes, PostgreSQL (durability on)"]);
        var expected = new List<string>
        {
            "latency put→visible p50", "latency put→visible p95", "latency put→visible p99,", "latency put→visible p99.9",
            "load during the latency window", "replay", "recovery", "memory per live Game", "memory per live Player",
        };
        foreach (var pipeline in pipelines)
            expected.AddRange([$"pipeline throughput, {pipeline}", $"node CPU per event, {pipeline}", $"JIT compiler time per event, {pipeline}",
                $"node allocation per event, {pipeline}"]);
        if (size.Postgres)
            expected.Add("failover");
        foreach (var name in expected)
            report.Figures.Should().Contain(f => f.Figure.StartsWith(name), $"the run measures {name}:\n{markdown}");

        // The JIT compiler's time may be nothing at all; everything else is a measurement.
        report.Figures.Where(f => !f.Figure.StartsWith("JIT")).Should()
            .OnlyContain(f => double.IsFinite(f.Value) && f.Value > 0, "every figure is a measurement:\n{0}", markdown);
        report.Figures.Where(f => f.Figure.StartsWith("JIT")).Should().OnlyContain(f => double.IsFinite(f.Value) && f.Value >= 0);
        report.Figures.SelectMany(f => f.Baselines).Should().OnlyContain(b => double.IsFinite(b.Value) && b.Value > 0 && b.Ratio >= 0);
        report.Figures.Where(f => f.Figure.StartsWith("pipeline throughput")).Should()
            .OnlyContain(f => f.Baselines.Any(b => b.Name == "raw drain") && f.Baselines.Count(b => b.Name.StartsWith("raw insert")) == 2,
                "throughput is shown beside the raw drain and both raw inserts");
        report.Figures.Where(f => f.Target != "—").Should().OnlyContain(f => f.Met != null, "a figure with a target says whether it holds");

        // Each met flag is the comparison its target states, computed here by hand from the figure and its baselines.
        Figure("pipeline throughput, 1 node, SQLite").Met.Should().Be(Ratio("pipeline throughput, 1 node, SQLite", "raw drain") >= 0.8);
        Figure("node CPU per event, 1 node, SQLite").Met.Should().Be(Figure("node CPU per event, 1 node, SQLite").Value <= 40);
        Figure("latency put→visible p50").Met.Should().Be(Figure("latency put→visible p50").Value <= 150);
        Figure("latency put→visible p99,").Met.Should().Be(Figure("latency put→visible p99,").Value <= 250);
        Figure("replay").Met.Should().Be(Figure("replay").Value >= 0.5 * Figure("replay").Baselines[0].Value);
        Figure("recovery").Met.Should().Be(Figure("recovery").Baselines[0].Value >= 20 * Figure("recovery").Value);
        Figure("memory per live Game").Unit.Should().Be("KB");
        Figure("memory per live Game").Met.Should().Be(Figure("memory per live Game").Value <= 32, "≤ 32 KB, 1 KB = 1,000 bytes");
        Figure("memory per live Player").Met.Should().Be(Figure("memory per live Player").Value <= 4);
        if (size.Postgres)
        {
            var one = Figure("pipeline throughput, 1 node, PostgreSQL");
            var three = Figure("pipeline throughput, 3 nodes, PostgreSQL");
            one.Met.Should().Be(Ratio(one.Figure, "raw drain") >= 0.8);
            three.Met.Should().Be(Ratio(three.Figure, "raw drain") >= 0.6 && three.Value >= 0.75 * one.Value);
            report.Notes.Should().Contain(n => n.Contains("fsync=on") && n.Contains("synchronous_commit=on") && n.Contains("full_page_writes=on"),
                "the bench's PostgreSQL keeps its durability");
        }

        var latency = Figure("latency put→visible p50");
        latency.Note.Should().Contain($"{size.LatencyProbes:N0} probes", "every probe sent is timed");
        report.Notes.Should().Contain(n => n.Contains("GetRecords batches of 5,000"), "the notes give the backlog per shard");

        foreach (var figure in report.Figures)
            markdown.Should().Contain($"| {figure.Figure} |");
        markdown.TrimEnd().Should().EndWith(BenchReport.HistoryLine);
        // The hand-written analysis of an earlier file survives the rewrite, once, between the notes and the history line.
        var analysis = BenchReport.AnalysisHeading + "\n\nProfiled on run X: the journal limits it.";
        var rewritten = report.ToMarkdown(BenchReport.AnalysisOf(report.ToMarkdown(analysis)));
        BenchReport.AnalysisOf(rewritten).Should().Be(analysis);
        rewritten.Should().Contain("## Notes").And.Contain(analysis).And.EndWith(BenchReport.HistoryLine + Environment.NewLine);
        rewritten.IndexOf(analysis, StringComparison.Ordinal).Should().Be(rewritten.LastIndexOf(analysis, StringComparison.Ordinal));
        BenchReport.AnalysisOf(markdown).Should().BeNull("a report without the section has none");
        using var json = JsonDocument.Parse(report.ToJson());
        json.RootElement.GetProperty("figures").GetArrayLength().Should().Be(report.Figures.Count);
        json.RootElement.GetProperty("machine").GetProperty("cores").GetInt32().Should().Be(Environment.ProcessorCount);

        BenchFigure Figure(string name) => report.Figures.Single(f => f.Figure.StartsWith(name, StringComparison.Ordinal));
        double Ratio(string figure, string baseline)
        {
            var f = Figure(figure);
            return f.Value / f.Baselines.Single(b => b.Name == baseline).Value;
        }
    }
}

[CollectionDefinition(BenchmarkSmokeTests.Name, DisableParallelization = true)]
public sealed class BenchmarkCollection;
