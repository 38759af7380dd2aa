// Akka.Hosting composition of the milestone publisher: a cluster singleton, so one node publishes.
using Akka.Basketball.Ingress.Kinesis;
using Akka.Basketball.Ingress.Milestones;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.Logging;

namespace Akka.Basketball.Ingress.Hosting;

/// <summary>Registry key of the milestone publisher singleton.</summary>
public sealed class MilestonePublisherKey;

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
}
