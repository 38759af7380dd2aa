// The events a benchmark sends: a simulated league (registrations, then games interleaved as they would
// arrive), encoded once as the Kinesis records the producers put.
using Basketball.Domain.Events;
using Basketball.Simulator;

namespace Basketball.Bench;

public sealed class Workload
{
    private Workload(Season season, IReadOnlyList<SimulatedRecord> plan)
    {
        Season = season;
        Plan = plan;
        Records = plan.Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList();
    }

    public Season Season { get; }

    /// <summary>The records in send order, each with its event.</summary>
    public IReadOnlyList<SimulatedRecord> Plan { get; }

    public IReadOnlyList<(string PartitionKey, ReadOnlyMemory<byte> Data)> Records { get; }

    public int Count => Records.Count;

    public static Workload Create(int games, int playsPerGame, int seed, bool registrations = true, double correctionRate = 0.01)
    {
        var season = SeasonGenerator.Generate(new SimulationOptions(games, seed, playsPerGame, correctionRate));
        if (!registrations)
            season = season with { Registrations = [] };
        return Of(season, seed);
    }

    /// <summary>The records of <paramref name="season"/> in send order: registrations, then its games interleaved.</summary>
    public static Workload Of(Season season, int seed) => new(season, SendPlan.Create(season, seed));

    /// <summary>The journal persistence id of an event's aggregate (game-… / player-…).</summary>
    public static string PersistenceId(EventEnvelope evt) =>
        (evt.AggregateType == AggregateType.Game ? "game-" : "player-") + evt.AggregateId;
}
