// A real node (hosting, cluster, sharding, SQL journal, HTTP on a free port) inside the test process.
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Basketball.Cluster.Configuration;
using Basketball.Cluster.Hosting;
using Basketball.Cluster.Operations;
using Basketball.Ops;
using Basketball.Shards.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Basketball.TestSupport;

public sealed class InProcessNode : IAsyncDisposable
{
    private InProcessNode(WebApplication app, ActorSystem system, IActorRef games, IActorRef players, HttpClient http)
    {
        App = app;
        System = system;
        Games = games;
        Players = players;
        Http = http;
    }

    public WebApplication App { get; }

    public ActorSystem System { get; }

    public IActorRef Games { get; }

    public IActorRef Players { get; }

    public HttpClient Http { get; }

    /// <summary>The operator endpoint, host:port (bound to a free port).</summary>
    public string OpsAddress => App.Services.GetRequiredService<OpsServer>().BoundEndpoint!.ToString();

    /// <param name="journal">BASKETBALL_JOURNAL value, e.g. "sqlite:/tmp/x/basketball.db".</param>
    /// <param name="hocon">Extra settings above akka.hocon (short timings, small snapshot interval).</param>
    /// <param name="services">Replaces registrations of the node (e.g. a KinesisClient with a fault-injecting handler).</param>
    public static async Task<InProcessNode> StartAsync(string journal, string? hocon = null, IReadOnlyDictionary<string, string>? env = null,
        Action<IServiceCollection>? services = null)
    {
        var variables = new Dictionary<string, string>
        {
            ["BASKETBALL_JOURNAL"] = journal,
            ["BASKETBALL_PORT"] = "0",
            ["BASKETBALL_HTTP"] = "http://127.0.0.1:0",
            ["BASKETBALL_OPS"] = "127.0.0.1:0",
        };
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
            variables[key] = value;

        // Without a Kinesis endpoint the node runs without ingress (entities, queries, milestone table only).
        var ingress = variables.ContainsKey("KINESIS_ENDPOINT") ? "" : "basketball.ingress.enabled = off\n";
        var overrides = ConfigurationFactory.ParseString(ingress + (hocon ?? "") + "\nakka.loglevel = WARNING");
        var configuration = NodeConfiguration.Load(
            name => variables.GetValueOrDefault(name),
            Path.Combine(AppContext.BaseDirectory, NodeConfiguration.FileName),
            overrides);
        var app = BasketballNode.Build(configuration, configureServices: services);
        await app.StartAsync();
        try
        {
            var system = app.Services.GetRequiredService<ActorSystem>();
            var cluster = Akka.Cluster.Cluster.Get(system);
            await Eventually.Until(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(60), "node is an Up member");
            var registry = ActorRegistry.For(system);
            var games = await registry.GetAsync<GameRegion>();
            var players = await registry.GetAsync<PlayerRegion>();
            // A node bound to every interface (0.0.0.0) is reached through loopback.
            var address = new UriBuilder(app.Urls.First());
            if (address.Host is "0.0.0.0" or "[::]" or "::")
                address.Host = "127.0.0.1";
            var http = new HttpClient { BaseAddress = address.Uri, Timeout = TimeSpan.FromSeconds(30) };
            return new InProcessNode(app, system, games, players, http);
        }
        catch
        {
            // A node that started but never became usable would keep polling (and moving the process-wide
            // metrics other tests read) for the rest of the run.
            await app.StopAsync();
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
