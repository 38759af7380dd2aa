// Wires the operator endpoint into the node: the per-node agent, its serializer, the palettes and the TCP server.
using Akka.Actor;
using Akka.Hosting;
using Basketball.Cluster.Configuration;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Ingress.Hosting;
using Basketball.Kinesis;
using Basketball.Ops;
using Basketball.ReadSide.Hosting;
using Basketball.ReadSide.Milestones;
using Basketball.Shards.Hosting;

namespace Basketball.Cluster.Operations;

public static class OpsHosting
{
    public const string TokenVariable = OpsToken.Variable;

    /// <exception cref="InvalidOperationException">BASKETBALL_OPS is not ip:port, or binds a non-loopback address without a token.</exception>
    public static OpsEndpoint Endpoint(NodeConfiguration configuration) =>
        OpsEndpoint.Parse(configuration.Settings.Ops, configuration.Environment(TokenVariable));

    public static AkkaConfigurationBuilder WithOpsAgent(this AkkaConfigurationBuilder builder, IngressStatusBoard board) =>
        builder.AddHocon(OpsSerializer.Config, HoconAddMode.Prepend)
            .AddStartup((system, _) => system.ActorOf(OpsAgent.PropsFor(board), OpsAgent.Name));

    public static IServiceCollection AddOperatorEndpoint(this IServiceCollection services, OpsEndpoint endpoint, OpsLimits limits)
    {
        services.AddSingleton(endpoint);
        services.AddSingleton(sp => new OpsServer(endpoint, limits, () => CreateDispatcherAsync(sp, endpoint.Token),
            sp.GetRequiredService<ILogger<OpsServer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<OpsServer>());
        return services;
    }

    /// <summary>Built on the first connection: the actor system and its regions exist by then.</summary>
    private static async Task<OpsDispatcher> CreateDispatcherAsync(IServiceProvider services, string? token)
    {
        var system = services.GetRequiredService<ActorSystem>();
        var registry = ActorRegistry.For(system);
        var games = await registry.GetAsync<GameRegion>();
        var players = await registry.GetAsync<PlayerRegion>();
        var league = await registry.GetAsync<LeagueProjectorKey>();
        var settings = services.GetRequiredService<NodeConfiguration>().Settings;
        OpsPalette[] palettes =
        [
            ClusterPalette.Create(system),
            ShardingPalette.Create(system),
            ActorPalette.Create(system),
            IngressPalette.Create(system, services.GetRequiredService<ICheckpointStore>(), services.GetRequiredService<KinesisClient>(),
                settings.Ingress.Options.StreamName),
            DomainPalettes.Game(games),
            DomainPalettes.Player(players),
            DomainPalettes.Milestones(services.GetRequiredService<MilestoneStore>()),
            DomainPalettes.DeadLetters(services.GetRequiredService<DeadLetterStore>()),
            JournalPalette.Create(system, settings.Database, games, players, league),
        ];
        return new OpsDispatcher(palettes, token, services.GetRequiredService<ILogger<OpsDispatcher>>());
    }
}
