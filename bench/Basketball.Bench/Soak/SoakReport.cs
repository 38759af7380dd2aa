// What a soak found, written as docs/soak/results-<time>.md (for people) and .json (for comparing runs).
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Basketball.Bench.Soak;

/// <param name="Command">The exact command that produced it.</param>
/// <param name="Elapsed">The whole run: start, sending, catch-up and checks.</param>
/// <param name="Records">Kinesis records of the plan (events, malformed records, duplicate sends).</param>
/// <param name="Events">Events the season holds (the ground truth), registrations included.</param>
/// <param name="Differences">Every difference from the ground truth at the end (games, players, dead letters, standings).</param>
/// <param name="ConvergedAfter">From the last record sent to the ground truth (or to giving up).</param>
/// <param name="JournalProblems">What breaks "one history per entity" in the journal (JournalHistory).</param>
public sealed record SoakReport(
    string Command,
    int Seed,
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    BenchMachine Machine,
    TimeSpan SendFor,
    double RequestedRate,
    int Records,
    double AchievedRate,
    int Events,
    int Games,
    IReadOnlyList<SoakFault> Faults,
    IReadOnlyList<string> Differences,
    TimeSpan ConvergedAfter,
    int JournalRows,
    IReadOnlyList<string> JournalProblems,
    long Milestones)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public bool Passed => Differences.Count == 0 && JournalProblems.Count == 0;

    /// <summary>The file name both results share, unique per minute.</summary>
    public string FileStem => $"results-{StartedAt:yyyy-MM-dd-HHmm}";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"# Soak of {StartedAt:yyyy-MM-dd HH:mm} UTC: {(Passed ? "PASS" : "FAIL")}").AppendLine();
        md.AppendLine($"Command: `{Command}` (seed {Seed}). {Elapsed.TotalMinutes:0.0} min in all.");
        md.AppendLine($"Machine: {Machine.Cpu}, {Machine.Cores} cores, {Machine.MemoryGiB:0.0} GiB; {Machine.Os}; {Machine.Runtime}.");
        md.AppendLine("Three node processes (the shipped `akka.hocon`, six reader workers) on one PostgreSQL server with its durability on,");
        md.AppendLine($"a six-shard kinesalite stream. The simulator's season is sent in waves of {SoakOptions.GamesPerWave} games played at once.").AppendLine();
        md.AppendLine("| figure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine($"| events in the season (ground truth) | {Events:N0} in {Games:N0} games |");
        md.AppendLine($"| records sent (events, malformed records, duplicate sends) | {Records:N0} |");
        md.AppendLine($"| send rate, asked / achieved | {RequestedRate:N0} / {AchievedRate:N0} records/s for {SendFor.TotalMinutes:0.#} min |");
        md.AppendLine($"| faults survived | {Faults.Count}: {string.Join(", ", Faults.Select(f => f.Kind))} |");
        md.AppendLine($"| differences from the ground truth | {Differences.Count} |");
        md.AppendLine($"| from the last record to the ground truth | {ConvergedAfter.TotalSeconds:F0} s |");
        md.AppendLine($"| journal rows checked, problems | {JournalRows:N0}, {JournalProblems.Count} |");
        md.AppendLine($"| milestones recorded | {Milestones:N0} |");
        md.AppendLine($"| duration of the run | {Elapsed.TotalMinutes:0.0} min |").AppendLine();
        md.AppendLine("## Faults").AppendLine();
        md.AppendLine("| fault | at | node | what happened |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var fault in Faults)
            md.AppendLine($"| {fault.Kind} | {fault.At.TotalSeconds:F0} s | {fault.Victim?.ToString() ?? "—"} | {fault.Recovery} |");
        if (Differences.Count > 0 || JournalProblems.Count > 0)
        {
            md.AppendLine().AppendLine("## What differed").AppendLine();
            foreach (var line in Differences.Concat(JournalProblems).Take(50))
                md.AppendLine($"- {line}");
        }
        md.AppendLine().AppendLine("The ground-truth check compares every game (status, score, events applied), every player (points, games played),");
        md.AppendLine("the dead letters per reason and the standings; the journal check reads every game and player row (one history per");
        md.AppendLine("entity: no gap, no event in two rows, player lines in update order). How to run it: [operations.md](../operations.md#soak).");
        return md.ToString();
    }
}
