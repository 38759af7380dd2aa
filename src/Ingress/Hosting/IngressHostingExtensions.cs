// Akka.Hosting composition of the Kinesis consumer: `Workers` reader workers (IngressCoordinators) spread over
// the cluster by a ShardedDaemonProcess, each reading the Kinesis shards that hash to it; a per-node status
// actor for `ingress status` and readiness; a drain of the local readers on shutdown.
using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Kinesis;
using Basketball.Shards.Hosting;
using Basketball.Storage;
using Microsoft.Extensions.Logging;

namespace Basketball.Ingress.Hosting;

/// <summary>Registry key of this node's IngressStatusActor (answers GetIngressStatus, DrainAll).</summary>
public sealed class KinesisIngress;

/// <param name="CreateStreams">Create the input and milestone streams when missing (local endpoints).</param>
/// <param name="ShardCount">Shards of a stream created here.</param>
/// <param name="Database">Whether the database answers: deliveries and dead-letter writes wait for it while it is away.</param>
public sealed record KinesisIngressSetup(
    KinesisClient Client,
    IngressOptions Options,
    ICheckpointStore Checkpoints,
    IDeadLetterSink DeadLetters,
    bool CreateStreams,
    int ShardCount,
    IReadOnlyList<string> StreamsToCreate,
    int Workers,
    IngressStatusBoard Board,
    ILoggerFactory LoggerFactory,
    DatabaseHealth? Database = null);

public static class IngressHostingExtensions
{
    /// <summary>
    /// How long a graceful shutdown waits for the shard readers to drain and checkpoint: the one definition, used by
    /// the shutdown task here, by IngressStatusActor for its coordinators and by IngressCoordinator for its readers.
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hand-off timeout of the reader workers' shards. akka.hocon keeps the entity regions' short (a stalled
    /// hand-off holds every message to that shard), but a worker's HandOffStopper stops it forcibly after this
    /// minus 5 s, which must not cut its drain short: a cut drain makes the next owner re-read its batch.
    /// </summary>
    public static readonly TimeSpan WorkerHandOffTimeout = DrainTimeout + TimeSpan.FromSeconds(30);

    public static AkkaConfigurationBuilder WithKinesisIngress(this AkkaConfigurationBuilder builder, KinesisIngressSetup setup) =>
        builder.WithActors((system, registry) =>
        {
            var logger = setup.LoggerFactory.CreateLogger("Basketball.Ingress");
            if (setup.CreateStreams)
                _ = CreateStreamsAsync(setup, logger);

            var delivery = new EventDelivery(registry.Get<GameRegion>(), registry.Get<PlayerRegion>(), setup.Options, logger, setup.Database);
            var deadLetters = setup.Database is null ? setup.DeadLetters : new WaitingDeadLetterSink(setup.DeadLetters, setup.Database);
            var processor = new RecordBatchProcessor(delivery, deadLetters, new IngressMetrics());
            var cluster = Akka.Cluster.Cluster.Get(system);
            // Owner = this incarnation of this node: a restarted node on the same address is a new owner.
            var liveOwners = new ClusterLiveOwners(cluster);
            var owner = ClusterLiveOwners.OwnerOf(cluster.SelfUniqueAddress);
            var api = new KinesisShardStreamApi(setup.Client, setup.Options.StreamName);
            var metrics = new IngressMetrics();
            // Each worker is an entity of its own shard: sharding spreads them over the nodes, moves them when
            // nodes join, leave or crash (keep-alive pings restart them within a second), and hands them off
            // with DrainAndStop so that a worker checkpoints and releases its shards before moving.
            ShardedDaemonProcess.Get(system).Init("kinesis-readers", setup.Workers,
                worker => IngressCoordinator.PropsFor(api, setup.Checkpoints, processor, setup.Options, metrics,
                    new StableShardOwnership(worker, setup.Workers), owner, setup.Board, logger, liveOwners),
                WorkerSettings(system),
                DrainAndStop.Instance);
            var coordinator = system.ActorOf(IngressStatusActor.PropsFor(setup.Board, api, owner, metrics), "kinesis-ingress");
            registry.Register<KinesisIngress>(coordinator);

            // Drain before sharding hands entities off: readers finish their batch (entities still answer),
            // checkpoint, and release their leases, so a successor re-reads nothing that was durable.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "drain-kinesis-ingress", async () =>
            {
                try
                {
                    await coordinator.Ask<IngressDrained>(DrainAll.Instance, DrainTimeout);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Draining the Kinesis ingress did not finish in {Timeout}; the next owner re-reads from the last checkpoint", DrainTimeout);
                }
                return Done.Instance;
            });
        });

    private static ShardedDaemonProcessSettings WorkerSettings(ActorSystem system)
    {
        var sharding = ClusterShardingSettings.Create(system);
        return ShardedDaemonProcessSettings.Create(system)
            .WithShardingSettings(sharding.WithTuningParameters(sharding.TuningParameters.WithHandOffTimeout(WorkerHandOffTimeout)));
    }

    private static async Task CreateStreamsAsync(KinesisIngressSetup setup, ILogger logger)
    {
        foreach (var stream in setup.StreamsToCreate)
        {
            try
            {
                if (await setup.Client.CreateStreamIfMissingAsync(stream, setup.ShardCount, TimeSpan.FromSeconds(30)))
                    logger.LogInformation("Created Kinesis stream {Stream} with {Shards} shards", stream, setup.ShardCount);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not create Kinesis stream {Stream}; the ingress keeps retrying to list its shards", stream);
            }
        }
    }
}
