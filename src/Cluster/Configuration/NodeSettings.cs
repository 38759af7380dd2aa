// Everything a node needs to start, read from akka.hocon + environment.
using System.Collections.Immutable;
using Akka.Configuration;
using Basketball.Domain;
using Basketball.Domain.Milestones;
using Basketball.Shards.Entities;
using Basketball.Storage;

namespace Basketball.Cluster.Configuration;

public sealed record NodeSettings(
    string Hostname,
    int Port,
    IReadOnlyList<string> Seeds,
    string HttpUrl,
    string Ops,
    DatabaseTarget Database,
    BasketballSettings Domain,
    EntityOptions Entities,
    IngressSettings Ingress)
{
    public const string ActorSystemName = "basketball";

    public static NodeSettings Read(Config config)
    {
        var node = config.GetConfig("basketball.node");
        var seeds = node.GetStringList("seeds") ?? [];
        var milestones = config.GetConfig("basketball.milestones");
        return new NodeSettings(
            node.GetString("hostname"),
            node.GetInt("port"),
            seeds.ToArray(),
            node.GetString("http"),
            node.GetString("ops"),
            DatabaseTarget.Parse(config.GetString("basketball.journal")),
            new BasketballSettings(
                new MilestoneSettings(
                    milestones.GetIntList("player-points-in-game").ToImmutableArray(),
                    milestones.GetInt("team-points"),
                    milestones.GetInt("scoring-run-points"),
                    milestones.GetInt("hot-streak-points"),
                    (int)milestones.GetTimeSpan("hot-streak-window").TotalSeconds,
                    milestones.GetIntList("career-points").ToImmutableArray()),
                config.GetTimeSpan("basketball.correction-grace-period"),
                config.GetInt("basketball.snapshot-every")),
            new EntityOptions(
                config.GetTimeSpan("basketball.entities.passivate-after"),
                config.GetTimeSpan("basketball.entities.redeliver-every"),
                config.GetTimeSpan("basketball.entities.line-flush-after", EntityOptions.Default.LineFlushAfter)),
            IngressSettings.Read(config.GetConfig("basketball.ingress")));
    }
}
