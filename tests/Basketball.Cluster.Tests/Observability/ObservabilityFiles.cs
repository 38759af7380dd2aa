// The committed observability files (docker/prometheus, docker/grafana, docker-compose.yml), the metric names their
// queries use, and promtool to check them.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Basketball.Cluster.Tests.Observability;

internal static partial class ObservabilityFiles
{
    public static readonly string Docker = Path.Combine(KinesaliteFixture.FindRepositoryRoot(), "docker");
    public static readonly string PrometheusConfig = Path.Combine(Docker, "prometheus", "prometheus.yml");
    public static readonly string Rules = Path.Combine(Docker, "prometheus", "rules", "basketball.yml");
    public static readonly string RulesTests = Path.Combine(Docker, "prometheus", "basketball.test.yml");
    public static readonly string Dashboard = Path.Combine(Docker, "grafana", "dashboards", "basketball.json");
    public static readonly string Compose = Path.Combine(Docker, "docker-compose.yml");

    /// <summary>
    /// Loads a YAML file with its anchors and merge keys (<c>&lt;&lt;: *node</c>) resolved, keys of the mapping itself
    /// winning over merged ones as compose does. (YamlDotNet's MergingParser refuses a key that is both merged and set.)
    /// </summary>
    public static YamlMappingNode LoadYaml(string file)
    {
        using var reader = new StreamReader(file);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)Merged(stream.Documents.Single().RootNode);
    }

    private static YamlNode Merged(YamlNode node) => node switch
    {
        YamlMappingNode mapping => MergedMapping(mapping),
        YamlSequenceNode sequence => new YamlSequenceNode(sequence.Select(Merged)),
        _ => node,
    };

    private static YamlMappingNode MergedMapping(YamlMappingNode mapping)
    {
        var result = new YamlMappingNode();
        var mergeKey = new YamlScalarNode("<<");
        foreach (var (key, value) in mapping.Children.Where(pair => !pair.Key.Equals(mergeKey)))
            result.Add(key, Merged(value));
        if (mapping.Children.TryGetValue(mergeKey, out var merged))
        {
            var sources = merged is YamlSequenceNode list ? list.Children : [merged];
            foreach (var source in sources.Select(Merged).Cast<YamlMappingNode>())
                foreach (var (key, value) in source.Children.Where(pair => !result.Children.ContainsKey(pair.Key)))
                    result.Add(key, value);
        }
        return result;
    }

    /// <summary>Every rule of the rules file: (record or alert name, expression).</summary>
    public static IReadOnlyList<(string? Record, string? Alert, string Expr)> RuleEntries()
    {
        var root = LoadYaml(Rules);
        return ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>()
            .SelectMany(group => ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            .Select(rule => (Scalar(rule, "record"), Scalar(rule, "alert"), Scalar(rule, "expr")!))
            .ToList();
    }

    /// <summary>Every query of the Grafana dashboard, by panel title.</summary>
    public static IReadOnlyList<(string Panel, string Expr)> DashboardQueries()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Dashboard));
        return document.RootElement.GetProperty("panels").EnumerateArray()
            .Where(panel => panel.TryGetProperty("targets", out _))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray()
                .Select(target => (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!)))
            .ToList();
    }

    /// <summary>
    /// The series names a PromQL expression reads: the node's own (basketball_*) and the runtime's (dotnet_*,
    /// process_*, system_runtime_*). Recording rules (with colons) and Prometheus' own `up` are not the node's.
    /// </summary>
    public static IEnumerable<string> MetricNamesIn(string expr) => NodeMetricName().Matches(expr).Select(m => m.Value);

    /// <summary>The recording rules (level:metric:operation) an expression reads.</summary>
    public static IEnumerable<string> RecordingRulesIn(string expr) => RecordingRuleName().Matches(expr).Select(m => m.Value);

    [GeneratedRegex(@"(?<![\w:])(basketball|dotnet|process|system_runtime)_[a-z0-9_]+(?![\w:])")]
    private static partial Regex NodeMetricName();

    [GeneratedRegex(@"(?<![\w:])[a-z_]+:[a-z0-9_]+:[a-z0-9_]+(?![\w:])")]
    private static partial Regex RecordingRuleName();

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}

/// <summary>Runs Debian's promtool; a machine without it fails the test with how to get it, never a silent skip.</summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var executable = Find() ?? throw new InvalidOperationException(
            "promtool is not installed. It comes with Debian's prometheus package: `apt-get install prometheus` "
            + "(./basketball.sh test installs it when it is missing).");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ObservabilityFiles.Docker,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Append("/usr/bin").Append("/usr/local/bin")
        .Select(dir => Path.Combine(dir, "promtool"))
        .FirstOrDefault(File.Exists);
}
