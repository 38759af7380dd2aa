// The SPEC §7 environment variables that override akka.hocon keys → those keys: the one place in code that mapping
// lives (akka.hocon's `env:` comments and the README's table describe it too). The other §7 variables are no
// akka.hocon keys and are read where they are used: BASKETBALL_OPS_TOKEN by OpsHosting, KINESIS_ENDPOINT and AWS_*
// by KinesisOptions. Outside the node, the CLI reads BASKETBALL_JOURNAL and the simulator BASKETBALL_STREAM themselves.
using Akka.Configuration;

namespace Basketball.Cluster.Configuration;

public static class EnvironmentOverrides
{
    /// <summary>Variable → HOCON path, for plain string/number values.</summary>
    public static IReadOnlyDictionary<string, string> Scalars { get; } = new Dictionary<string, string>
    {
        ["BASKETBALL_HOSTNAME"] = "basketball.node.hostname",
        ["BASKETBALL_PORT"] = "basketball.node.port",
        ["BASKETBALL_HTTP"] = "basketball.node.http",
        ["BASKETBALL_OPS"] = "basketball.node.ops",
        ["BASKETBALL_JOURNAL"] = "basketball.journal",
        ["BASKETBALL_STREAM"] = "basketball.ingress.stream",
        ["BASKETBALL_MILESTONES_STREAM"] = "basketball.ingress.milestones-stream",
        ["BASKETBALL_CREATE_STREAMS"] = "basketball.ingress.create-streams",
        ["BASKETBALL_SHARDS"] = "basketball.ingress.shards",
    };

    /// <summary>HOCON that overrides akka.hocon with whatever the environment sets.</summary>
    public static Config From(Func<string, string?> env)
    {
        var lines = new List<string>();
        foreach (var (variable, path) in Scalars)
        {
            var value = env(variable);
            if (!string.IsNullOrWhiteSpace(value))
                lines.Add($"{path} = {Quote(value.Trim())}");
        }

        var seeds = env("BASKETBALL_SEEDS");
        if (!string.IsNullOrWhiteSpace(seeds))
        {
            var list = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lines.Add($"basketball.node.seeds = [{string.Join(", ", list.Select(Quote))}]");
        }

        return ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    internal static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
