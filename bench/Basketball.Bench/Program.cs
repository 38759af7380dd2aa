// `./basketball.sh bench`: runs every benchmark once and writes BENCHMARKS.md and benchmarks.json.
using System.CommandLine;
using Basketball.Bench;
using Spectre.Console;

var size = new Option<string>("--size") { Description = "full (the committed results) or smoke (seconds; what the test suite runs)", DefaultValueFactory = _ => "full" };
var output = new Option<string>("--output") { Description = "directory for BENCHMARKS.md and benchmarks.json", DefaultValueFactory = _ => "." };
var noPostgres = new Option<bool>("--no-postgres") { Description = "skip the PostgreSQL figures and the failover" };

var only = new Option<BenchParts[]>("--only")
{
    Description = "run only these groups of figures (Sqlite, Entities, Postgres; repeatable), for profiling one of them",
    AllowMultipleArgumentsPerToken = true,
};

var latencyRate = new Option<double?>("--latency-rate")
{
    Description = "events/s of the latency run's load instead of half the saturation (to compare two settings at one load)",
};

var root = new RootCommand("Basketball benchmarks: each figure next to a baseline measured in the same run") { size, output, noPostgres, only, latencyRate };
root.SetAction(async (result, cancellationToken) =>
{
    var chosen = BenchSize.Parse(result.GetValue(size)!);
    if (result.GetValue(noPostgres))
        chosen = chosen with { Postgres = false };
    if (result.GetValue(latencyRate) is { } rate)
        chosen = chosen with { LatencyRate = rate };
    if (result.GetValue(only) is { Length: > 0 } parts)
        chosen = chosen with { Parts = parts.Aggregate((a, b) => a | b) };
    var report = await new BenchmarkSuite(chosen, line => AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {line}"))
        .RunAsync(cancellationToken);
    var directory = Path.GetFullPath(result.GetValue(output)!);
    Directory.CreateDirectory(directory);
    await File.WriteAllTextAsync(Path.Combine(directory, "BENCHMARKS.md"), report.ToMarkdown(), cancellationToken);
    await File.WriteAllTextAsync(Path.Combine(directory, "benchmarks.json"), report.ToJson(), cancellationToken);
    AnsiConsole.WriteLine(report.ToMarkdown());
    AnsiConsole.MarkupLineInterpolated($"[green]wrote {directory}/BENCHMARKS.md and benchmarks.json[/]");
    return report.Figures.All(f => f.Met != false) ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
