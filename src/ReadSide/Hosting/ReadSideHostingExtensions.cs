// Akka.Hosting composition of the journal readers: the milestone publisher and the league projector, each a
// cluster singleton so that one node writes.
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Basketball.Kinesis;
using Basketball.ReadSide.Fencing;
using Basketball.ReadSide.League;
using Basketball.ReadSide.Milestones;
using Microsoft.Extensions.Logging;

namespace Basketball.ReadSide.Hosting;

/// <summary>Registry key of the milestone publisher singleton.</summary>
public sealed class MilestonePublisherKey;

/// <summary>Registry key of the league projector singleton.</summary>
public sealed class LeagueProjectorKey;

public static class ReadSideHostingExtensions
{
    public static AkkaConfigurationBuilder WithMilestonePublisher(
        this AkkaConfigurationBuilder builder, MilestoneStore store, ReaderFence fence, KinesisProducer? producer, ILoggerFactory loggerFactory,
        string readJournalPluginId = "akka.persistence.query.journal.sql") =>
        builder.WithSingleton<MilestonePublisherKey>(
            "milestone-publisher",
            MilestonePublisher.PropsFor(store, fence, producer, readJournalPluginId, loggerFactory.CreateLogger("Basketball.Milestones")),
            new ClusterSingletonOptions(),
            createProxyToo: false);

    /// <summary>The league tables (standings, leaders): a cluster singleton reading the journal's tags.</summary>
    public static AkkaConfigurationBuilder WithLeagueProjections(
        this AkkaConfigurationBuilder builder, LeagueStore store, ReaderFence fence, ILoggerFactory loggerFactory,
        string readJournalPluginId = "akka.persistence.query.journal.sql") =>
        builder.WithSingleton<LeagueProjectorKey>(
            "league-projector",
            LeagueProjector.PropsFor(store, fence, readJournalPluginId, loggerFactory.CreateLogger("Basketball.League")),
            new ClusterSingletonOptions(),
            createProxyToo: true); // any node can ask for a rebuild
}
