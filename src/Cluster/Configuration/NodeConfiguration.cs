// Builds a node's full Akka configuration: environment > akka.hocon > derived settings > library defaults.
using Akka.Configuration;
using Akka.Persistence.Sql;
using Basketball.Shards.Serialization;

namespace Basketball.Cluster.Configuration;

/// <param name="Environment">The variables the node was configured from (Kinesis reads its own from here too).</param>
public sealed record NodeConfiguration(Config Akka, NodeSettings Settings, Func<string, string?> Environment)
{
    public const string FileName = "akka.hocon";

    /// <param name="env">Environment lookup (tests pass a dictionary).</param>
    /// <param name="overrides">Settings above everything else (tests shorten timings with it).</param>
    /// <param name="hoconPath">akka.hocon to read; default: the working directory's, else the one beside the binary.</param>
    public static NodeConfiguration Load(Func<string, string?> env, string? hoconPath = null, Config? overrides = null)
    {
        var path = hoconPath ?? Locate();
        var file = ConfigurationFactory.ParseString(File.ReadAllText(path));
        var configured = (overrides ?? Config.Empty).WithFallback(EnvironmentOverrides.From(env)).WithFallback(file);
        var settings = NodeSettings.Read(configured);

        // No seeds: the node joins itself once it knows its own address (BasketballNode), which also
        // works with port 0 in tests.
        var seeds = settings.Seeds;
        var derived = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.hostname = {EnvironmentOverrides.Quote(settings.Hostname)}
            akka.remote.dot-netty.tcp.port = {settings.Port}
            akka.cluster.seed-nodes = [{string.Join(", ", seeds.Select(EnvironmentOverrides.Quote))}]
            """);

        var akka = derived
            .WithFallback(PersistenceConfiguration.For(settings.Database))
            .WithFallback(configured)
            .WithFallback(BasketballSerialization.Config)
            .WithFallback(SqlPersistence.DefaultConfiguration);
        return new NodeConfiguration(akka, settings, env);
    }

    private static string Locate()
    {
        foreach (var candidate in new[] { Path.Combine(Directory.GetCurrentDirectory(), FileName), Path.Combine(AppContext.BaseDirectory, FileName) })
        {
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"{FileName} not found in the working directory nor beside the binary.");
    }
}
