// Registers what the live pages read: the live game feed and the events/s sampler. Settings: basketball.live in
// akka.hocon.
using Akka.Actor;
using Basketball.Cluster.Configuration;
using Basketball.ReadSide.Live;
using Basketball.Replay;
using Basketball.Storage;

namespace Basketball.Cluster.Live;

public static class LiveHosting
{
    /// <summary>
    /// The node's SQL query journal, as the league projections and the milestone publisher use: its poll intervals
    /// (akka.hocon, query.journal.sql) bound how soon a durable change reaches a browser.
    /// </summary>
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    public static IServiceCollection AddLivePages(this IServiceCollection services, NodeConfiguration configuration)
    {
        var live = configuration.Akka.GetConfig("basketball.live");
        var options = new LiveGameFeedOptions(live?.GetInt("games", 200) ?? 200, live?.GetInt("subscriber-buffer", 1024) ?? 1024);
        services.AddSingleton(sp =>
        {
            var system = sp.GetRequiredService<ActorSystem>();
            var database = sp.GetRequiredService<DatabaseTarget>();
            var history = new JournalGameHistory(JournalReplay.On(system, database), database);
            return new LiveGameFeed(system, ReadJournalPluginId, history, options,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<LiveGameFeed>());
        });
        services.AddSingleton<EventRateSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRateSampler>());
        return services;
    }
}
