// Akka.Hosting composition of the journal readers: the milestone publisher and the league projector, each a
// cluster singleton so that one node writes.
using Akka.Basketball.Ingress.Kinesis;
using Akka.Basketball.Ingress.League;
using Akka.Basketball.Ingress.Milestones;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.Logging;

namespace Akka.Basketball.Ingress.Hosting;

/// <summary>Registry key of the milestone publisher singleton.</summary>
public sealed class MilestonePublisherKey;

/// <summary>Registry key of the league projector singleton.</summary>
public sealed class LeagueProjectorKey;

public static class MilestoneHostingExtensions
{
    public static AkkaConfigurationBuilder WithMilestonePublisher(
        this AkkaConfigurationBuilder builder, MilestoneStore store, KinesisProducer? producer, ILoggerFactory loggerFactory,
        string readJournalPluginId = "akka.persistence.query.journal.sql") =>
        builder.WithSingleton<MilestonePublisherKey>(
            "milestone-publisher",
            MilestonePublisher.PropsFor(store, producer, readJournalPluginId, loggerFactory.CreateLogger("Akka.Basketball.Milestones")),
            new ClusterSingletonOptions(),
            createProxyToo: false);

    /// <summary>The league tables (standings, leaders): a cluster singleton reading the journal's tags.</summary>
    public static AkkaConfigurationBuilder WithLeagueProjections(
        this AkkaConfigurationBuilder builder, LeagueStore store, ILoggerFactory loggerFactory,
        string readJournalPluginId = "akka.persistence.query.journal.sql") =>
        builder.WithSingleton<LeagueProjectorKey>(
            "league-projector",
            LeagueProjector.PropsFor(store, readJournalPluginId, loggerFactory.CreateLogger("Akka.Basketball.League")),
            new ClusterSingletonOptions(),
            createProxyToo: true); // any node can ask for a rebuild
}
