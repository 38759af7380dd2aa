// The node as a list of what it runs. Program.cs and in-process tests both build it here.
using System.Text.Json.Serialization;
using Akka.Hosting;
using Basketball.Cluster.Configuration;
using Basketball.Cluster.Http;
using Basketball.Cluster.Live;
using Basketball.Cluster.Operations;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Ingress.Hosting;
using Basketball.Kinesis;
using Basketball.Ops;
using Basketball.ReadSide.Fencing;
using Basketball.ReadSide.Hosting;
using Basketball.ReadSide.League;
using Basketball.ReadSide.Milestones;
using Basketball.Shards.Hosting;
using Basketball.Storage;
using Prometheus;

namespace Basketball.Cluster.Hosting;

public static class BasketballNode
{
    public const int MaxRequestLineBytes = 16 * 1024;

    /// <summary>The exit code of a node that stopped because the cluster downed it (Akka's own number for that reason).</summary>
    public const int DownedExitCode = 3;


    /// <param name="configureServices">Runs after the node's own registrations (tests replace the Kinesis client, or wrap
    /// the ingress's dead-letter sink, here).</param>
    public static WebApplication Build(NodeConfiguration configuration, string[]? args = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = configuration.Settings;
        var database = settings.Database;
        PersistenceConfiguration.Prepare(database);
        var opsEndpoint = OpsHosting.Endpoint(configuration);

        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(settings.HttpUrl);
        // Kestrel answers a request line over its limit itself (414, no body). 16 KB instead of its 8 KB lets a path
        // with an overlong id or query value reach the API, which answers a JSON error naming the problem.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes);
        // CoordinatedShutdown (drain the ingress, hand off shards and entities, leave) must not be cut short by
        // the host's default 30 s stop timeout: an interrupted drain makes the next owner re-read its batch.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(90));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var kinesisOptions = KinesisOptions.FromEnvironment(configuration.Environment);
        var createStreams = settings.Ingress.CreateStreams ?? kinesisOptions.IsLocalEndpoint;
        var checkpoints = new SqlCheckpointStore(database);
        var deadLetters = new DeadLetterStore(database);
        var milestones = new MilestoneStore(database);
        var league = new LeagueStore(database);
        var readerFence = new ReaderFence(database);

        builder.Services.AddSingleton(configuration);
        var shutdown = new ShutdownWatch();
        builder.Services.AddSingleton(shutdown);
        var writeAccess = WriteAccess.For(settings.HttpUrl, configuration.Environment(WriteAccess.TokenVariable));
        builder.Services.AddSingleton(writeAccess);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ICheckpointStore>(checkpoints);
        builder.Services.AddSingleton(deadLetters);
        builder.Services.AddSingleton<IDeadLetterSink>(deadLetters);
        builder.Services.AddSingleton(milestones);
        builder.Services.AddSingleton(league);
        builder.Services.AddSingleton(new IngressStatusBoard());
        builder.Services.AddSingleton(sp => new KinesisClient(kinesisOptions, sp.GetRequiredService<ILoggerFactory>().CreateLogger<KinesisClient>()));
        builder.Services.AddSingleton(sp => new KinesisProducer(sp.GetRequiredService<KinesisClient>(),
            new KinesisProducerOptions(settings.Ingress.Options.StreamName) { Aggregate = settings.Ingress.AggregateRecords }, sp.GetRequiredService<ILoggerFactory>().CreateLogger<KinesisProducer>()));
        builder.Services.AddSingleton(sp => new DatabaseHealth(database, sp.GetRequiredService<ILoggerFactory>().CreateLogger<DatabaseHealth>()).Start());
        builder.Services.AddNodeHealthChecks(settings.Ingress.Enabled);
        builder.Services.AddApiDocument();
        builder.Services.AddAkka(NodeSettings.ActorSystemName, (akka, services) =>
        {
            var loggerFactory = services.GetRequiredService<ILoggerFactory>();
            var client = services.GetRequiredService<KinesisClient>();
            var milestonesOut = settings.Ingress.Enabled
                ? new KinesisProducer(client, new KinesisProducerOptions(settings.Ingress.MilestonesStream), loggerFactory.CreateLogger<KinesisProducer>())
                : null;
            if (PersistenceConfiguration.ConnectionSetup(database) is { } connections)
                akka.AddSetup(connections);
            akka.ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddHocon(configuration.Akka, HoconAddMode.Prepend)
                .WithNodeHealthChecks()
                .WithBasketballSerialization()
                .WithGameAndPlayerShards(settings.Domain, settings.Entities)
                .AddStartup((system, _) =>
                {
                    shutdown.Watch(system);
                    // SPEC §7: without BASKETBALL_SEEDS the node is its own seed and forms a one-node cluster.
                    if (settings.Seeds.Count == 0)
                    {
                        var cluster = Akka.Cluster.Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }
                })
                .WithMilestonePublisher(milestones, readerFence, milestonesOut, loggerFactory)
                .WithLeagueProjections(league, readerFence, loggerFactory)
                .WithOpsAgent(services.GetRequiredService<IngressStatusBoard>());
            if (!settings.Ingress.Enabled)
                return;
            akka.WithKinesisIngress(new KinesisIngressSetup(
                    client,
                    settings.Ingress.Options,
                    checkpoints,
                    services.GetRequiredService<IDeadLetterSink>(),
                    createStreams,
                    settings.Ingress.Shards,
                    [settings.Ingress.Options.StreamName, settings.Ingress.MilestonesStream],
                    settings.Ingress.Readers,
                    services.GetRequiredService<IngressStatusBoard>(),
                    loggerFactory,
                    services.GetRequiredService<DatabaseHealth>()));
        });

        builder.Services.AddOperatorEndpoint(opsEndpoint, OpsLimits.Read(configuration.Akka));
        builder.Services.AddLivePages(configuration);

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        if (writeAccess.Refusal is not null)
            app.Logger.LogWarning("{Refusal} The read endpoints are served as usual.", writeAccess.Refusal);
        else if (writeAccess.RequiresToken)
            app.Logger.LogInformation("POST /api/events requires the bearer token of {Variable}", WriteAccess.TokenVariable);
        app.UseJsonErrors();
        app.MapHealthEndpoints();
        app.MapQueryEndpoints();
        app.MapIngressEndpoints();
        app.MapFeedEndpoints();
        app.MapLivePages();
        app.MapMetrics("/metrics").WithSummary("Prometheus text: the basketball_* series and the .NET runtime's");
        app.MapApiDocument();
        return app;
    }
}
