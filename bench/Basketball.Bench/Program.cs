// `./basketball.sh bench`: runs every benchmark once and writes BENCHMARKS.md and benchmarks.json.
// `./basketball.sh soak`: a long season on three nodes with a kill -9, a freeze and a database outage (Soak/).
using System.CommandLine;
using System.Globalization;
using Basketball.Bench;
using Basketball.Bench.Soak;
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
    var markdownPath = Path.Combine(directory, "BENCHMARKS.md");
    var analysis = File.Exists(markdownPath) ? BenchReport.AnalysisOf(await File.ReadAllTextAsync(markdownPath, cancellationToken)) : null;
    await File.WriteAllTextAsync(markdownPath, report.ToMarkdown(analysis), cancellationToken);
    await File.WriteAllTextAsync(Path.Combine(directory, "benchmarks.json"), report.ToJson(), cancellationToken);
    AnsiConsole.WriteLine(report.ToMarkdown());
    AnsiConsole.MarkupLineInterpolated($"[green]wrote {directory}/BENCHMARKS.md and benchmarks.json[/]");
    return report.Figures.All(f => f.Met != false) ? 0 : 1;
});
root.Subcommands.Add(SoakCommand());
return await root.Parse(args).InvokeAsync();

static Command SoakCommand()
{
    var duration = new Option<string>("--duration") { Description = "how long records are sent: 8m, 90s, 1h (the run takes about 3 min more)", DefaultValueFactory = _ => "8m" };
    var seed = new Option<int?>("--seed") { Description = "chooses the season, the fault moments and the victims (default: a new one, printed)" };
    var rate = new Option<double>("--rate") { Description = "records/s (default: half the 3-node PostgreSQL saturation in BENCHMARKS.md)", DefaultValueFactory = _ => SoakOptions.HalfSaturation };
    var output = new Option<string>("--output") { Description = "directory for results-<time>.md and .json", DefaultValueFactory = _ => "docs/soak" };
    var soak = new Command("soak", "a long season on three nodes (PostgreSQL) with a kill -9, a freeze and a database outage at seeded random moments") { duration, seed, rate, output };
    soak.SetAction(async (result, cancellationToken) =>
    {
        var options = new SoakOptions(ParseDuration(result.GetValue(duration)!), result.GetValue(seed) ?? Random.Shared.Next(1, 100_000), result.GetValue(rate),
            result.GetValue(output)!, Freeze: TimeSpan.FromSeconds(30), Outage: TimeSpan.FromSeconds(15), ConvergeTimeout: TimeSpan.FromMinutes(5));
        var command = $"./basketball.sh soak --duration {result.GetValue(duration)} --seed {options.Seed} --rate {options.Rate.ToString(CultureInfo.InvariantCulture)}";
        AnsiConsole.MarkupLineInterpolated($"[bold]soak[/], seed [bold]{options.Seed}[/] (repeat it with: {command})");
        var report = await new SoakRun(options, line => AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {line}"))
            .RunAsync(command, cancellationToken);
        var directory = Path.GetFullPath(options.Output);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, report.FileStem + ".md"), report.ToMarkdown(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, report.FileStem + ".json"), report.ToJson(), cancellationToken);
        AnsiConsole.WriteLine(report.ToMarkdown());
        AnsiConsole.MarkupLineInterpolated($"[{(report.Passed ? "green" : "red")}]{(report.Passed ? "PASS" : "FAIL")}[/]: wrote {directory}/{report.FileStem}.md and .json");
        return report.Passed ? 0 : 1;
    });
    return soak;
}

// "8m", "90s", "1h", "1h30m" or a TimeSpan ("00:08:00").
static TimeSpan ParseDuration(string text)
{
    if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && text.Contains(':'))
        return span;
    var total = TimeSpan.Zero;
    var number = "";
    foreach (var c in text.Trim())
    {
        if (char.IsDigit(c) || c == '.')
        {
            number += c;
            continue;
        }
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        total += c switch
        {
            'h' => TimeSpan.FromHours(value),
            'm' => TimeSpan.FromMinutes(value),
            's' => TimeSpan.FromSeconds(value),
            _ => throw new FormatException($"--duration: '{text}' is not a duration such as 8m, 90s or 1h30m"),
        };
        number = "";
    }
    if (number.Length > 0 || total <= TimeSpan.Zero)
        throw new FormatException($"--duration: '{text}' is not a duration such as 8m, 90s or 1h30m");
    return total;
}
