// Registers what the live pages read: the live game feed (its own read journal, polled more often than the league
// projections' so that a change reaches a browser within a second of being durable) and the events/s sampler.
// Settings: basketball.live in akka.hocon.
using Akka.Actor;
using Akka.Configuration;
using Basketball.Cluster.Configuration;
using Basketball.ReadSide.Live;
using Basketball.Replay;
using Basketball.Storage;

namespace Basketball.Cluster.Live;

public static class LiveHosting
{
    /// <summary>The live feed's read journal: the node's SQL query journal with shorter polling intervals.</summary>
    public const string ReadJournalPluginId = "akka.persistence.query.journal.live-games";

    /// <summary>
    /// A copy of akka.persistence.query.journal.sql under <see cref="ReadJournalPluginId"/> with the live poll
    /// interval for both of its polls (new rows, and the highest gap-free offset): HOCON cannot copy a block that
    /// a library's defaults define, so it is copied here.
    /// </summary>
    public static Config ReadJournalConfig(Config akka)
    {
        var poll = akka.GetTimeSpan("basketball.live.poll-interval", TimeSpan.FromMilliseconds(100));
        var milliseconds = (long)poll.TotalMilliseconds;
        var copy = akka.GetConfig("akka.persistence.query.journal.sql").Root.ToString();
        return ConfigurationFactory.ParseString($$"""
            {{ReadJournalPluginId}} = {{copy}}
            {{ReadJournalPluginId}} {
              refresh-interval = {{milliseconds}}ms
              journal-sequence-retrieval.query-delay = {{milliseconds}}ms
            }
            """);
    }

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
