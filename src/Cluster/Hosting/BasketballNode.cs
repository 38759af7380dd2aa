// The node as a list of what it runs. Program.cs and in-process tests both build it here.
using System.Text.Json.Serialization;
using Akka.Basketball.Cluster.Configuration;
using Akka.Basketball.Cluster.Http;
using Akka.Basketball.Shards.Hosting;
using Akka.Hosting;

namespace Akka.Basketball.Cluster.Hosting;

public static class BasketballNode
{
    public static WebApplication Build(NodeConfiguration configuration, string[]? args = null)
    {
        var settings = configuration.Settings;
        settings.Journal.Prepare();

        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(settings.HttpUrl);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });

        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton<IReadinessCheck>(new JournalReachableCheck(settings.Journal));
        builder.Services.AddSingleton<IReadinessCheck, ClusterMemberUpCheck>();
        builder.Services.AddAkka(NodeSettings.ActorSystemName, (akka, _) =>
        {
            akka.ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddHocon(configuration.Akka, HoconAddMode.Prepend)
                .WithBasketballSerialization()
                .WithGameAndPlayerShards(settings.Domain, settings.Entities)
                .AddStartup((system, _) =>
                {
                    // SPEC §7: without BASKETBALL_SEEDS the node is its own seed and forms a one-node cluster.
                    if (settings.Seeds.Count == 0)
                    {
                        var cluster = Akka.Cluster.Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }
                });
        });

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapQueryEndpoints();
        return app;
    }
}
