// The results of one run: every figure next to the baseline it is judged against and its target, written as
// BENCHMARKS.md (for people) and benchmarks.json (for tools and for comparing runs).
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Basketball.Bench;

/// <param name="Figure">What is measured ("pipeline throughput, 1 node, SQLite").</param>
/// <param name="Value">The measurement, in <paramref name="Unit"/>.</param>
/// <param name="Baselines">What it is compared with, measured in the same run (empty when the target is absolute).</param>
/// <param name="Target">The target as written in the issue.</param>
/// <param name="Met">Whether the target holds; null when there is no target.</param>
public sealed record BenchFigure(
    string Figure,
    double Value,
    string Unit,
    IReadOnlyList<BenchBaseline> Baselines,
    string Target,
    bool? Met,
    string Note = "");

/// <param name="Ratio">The figure ÷ the baseline for rates; the baseline ÷ the figure for times (larger is better); for a share
/// (the JIT compiler's part of the CPU time) the part ÷ the whole.</param>
public sealed record BenchBaseline(string Name, double Value, string Unit, double Ratio);

public sealed record BenchMachine(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime)
{
    public static BenchMachine Current()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // not Linux: the CPU model stays unknown
        }
        return new BenchMachine(cpu, Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024),
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }
}

public sealed record BenchReport(string Size, DateTimeOffset StartedAt, TimeSpan Duration, BenchMachine Machine, IReadOnlyList<BenchFigure> Figures,
    IReadOnlyList<string> Notes)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The last line of BENCHMARKS.md: the file is rewritten by every run, the history is kept elsewhere.</summary>
    public const string HistoryLine = "History and analysis: [docs/performance-history.md](docs/performance-history.md)";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The heading of the part of BENCHMARKS.md written by hand from a profile (what limits each target not met):
    /// a run rewrites the figures and keeps that part, which says which run and build it was profiled on.
    /// </summary>
    public const string AnalysisHeading = "## What limits each target that is not met";

    /// <summary>The hand-written part of an earlier BENCHMARKS.md, from its heading to the history line; null if it has none.</summary>
    public static string? AnalysisOf(string markdown)
    {
        var start = markdown.IndexOf(AnalysisHeading, StringComparison.Ordinal);
        if (start < 0)
            return null;
        var end = markdown.IndexOf(HistoryLine, start, StringComparison.Ordinal);
        return markdown[start..(end < 0 ? markdown.Length : end)].TrimEnd();
    }

    public string ToMarkdown(string? analysis = null)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine($"Run `{Size}` of {StartedAt:yyyy-MM-dd HH:mm} UTC, {Duration.TotalMinutes:0.0} min, written by `./basketball.sh bench`.");
        md.AppendLine($"Machine: {Machine.Cpu}, {Machine.Cores} cores, {Machine.MemoryGiB:0.0} GiB; {Machine.Os}; {Machine.Runtime}.");
        md.AppendLine("Every baseline was measured in the same run, on the same records and the same database, so ratios carry");
        md.AppendLine("from machine to machine where absolute numbers do not. The JSON beside this file has the same figures.").AppendLine();
        md.AppendLine("| figure | value | baseline (same run) → ratio | target | met |");
        md.AppendLine("|---|---:|---|---|:-:|");
        foreach (var f in Figures)
        {
            var baselines = f.Baselines.Count == 0
                ? "—"
                : string.Join("<br>", f.Baselines.Select(b => $"{b.Name}: {Format(b.Value)} {b.Unit} → **{b.Ratio:0.00}×**"));
            var met = f.Met switch { true => "yes", false => "**no**", null => "—" };
            md.AppendLine($"| {f.Figure} | {Format(f.Value)} {f.Unit} | {baselines} | {f.Target} | {met} |");
        }
        var notes = Figures.Where(f => f.Note.Length > 0).Select(f => $"{f.Figure}: {f.Note}").Concat(Notes).ToList();
        if (notes.Count > 0)
        {
            md.AppendLine().AppendLine("## Notes").AppendLine();
            foreach (var note in notes)
                md.AppendLine($"- {note}");
        }
        if (analysis is not null)
            md.AppendLine().AppendLine(analysis.TrimEnd());
        md.AppendLine().AppendLine(HistoryLine);
        return md.ToString();
    }

    private static string Format(double value) =>
        value >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);
}
